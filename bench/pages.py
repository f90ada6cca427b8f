"""(c) Page weight and Lighthouse: each kind of page's first view, the search index, the audits.

- first views: a fresh Chromium opens one page of each kind (home, the longest rule page, the
  rules index, the HTTP API page) from a server that compresses like a static host, and the
  bytes of every response are summed; the rule page's figure is the one with a target.
- the search index: its size as published, and how much of it is code.
- Lighthouse 12.2.3 (tools/browser/lighthouse, installed with `npm ci` on first use) on the home
  page and the longest rule page: accessibility and performance scores, Total Blocking Time,
  with its default mobile emulation and simulated throttling, against Debian's Chromium.
"""

import gzip
import json
import mimetypes
import os
import re
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Request, sync_playwright

from bench.common import ROOT, Json, run_timed, tool
from guidebook.browser import CHROMIUM_FLAGS, find_chromium
from tools.browser import NodeToolError, lighthouse_cli

PAGE_KINDS = {
    "home": "/",
    "rule page": "",  # the longest rule page, found in the built site: the view with a target
    "rules index": "/rules-index/",
    "HTTP API": "/example/openapi/",
}
LIGHTHOUSE_PAGES = ("home", "rule page")
LIGHTHOUSE_TIMEOUT = 300
# One Lighthouse run's Total Blocking Time varies by a factor of two on this machine (its own
# work shares the two cores with the page's): the median of five is the figure.
LIGHTHOUSE_RUNS = 5
# What a static host (Netlify, nginx with gzip on) compresses; images and fonts are already.
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
)
GZIP_LEVEL = 6
SEARCH_INDEX = "search/search_index.json"
_PRE = re.compile(r"<pre.*?</pre>", re.S)


class _GzipHandler(BaseHTTPRequestHandler):
    """Serves the built site, gzipping text bodies for clients that accept it."""

    root: Path
    sent: dict[str, int]  # body bytes written per path: Chromium misses a worker's sizes

    def do_GET(self) -> None:
        """Answer like a static host: index.html for folders, gzip when asked."""
        relative = unquote(urlsplit(self.path).path).lstrip("/")
        path = (self.root / relative).resolve()
        if path.is_dir():
            path /= "index.html"
        if not path.is_file() or self.root not in path.parents:
            self.send_error(404)
            return
        body = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(200)
        if kind.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.sent[self.path] = self.sent.get(self.path, 0) + len(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # stdlib signature
        """Keep the benchmark's output readable."""


@contextmanager
def serve_compressed(site: Path, sent: dict[str, int]) -> Iterator[str]:
    """Serve a built site on a free loopback port, compressing like a static host."""
    handler = type("Handler", (_GzipHandler,), {"root": site.resolve(), "sent": sent})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def longest_rule_page(site: Path) -> str:
    """The rule chapter with the most HTML: the heaviest page a reader opens."""
    pages = list((site / "rules").glob("*/index.html"))
    if not pages:
        raise SystemExit(f"bench: no rule pages in {site}/rules: is it a built site?")
    largest = max(pages, key=lambda page: page.stat().st_size)
    return f"/{largest.parent.relative_to(site).as_posix()}/"


def page_kinds(site: Path) -> dict[str, str]:
    """Each kind of page measured, by its path in the built site."""
    return {kind: path or longest_rule_page(site) for kind, path in PAGE_KINDS.items()}


def first_view(site: Path, page_path: str) -> Json:
    """Open one page in a fresh browser; sum what went over the wire."""
    requests: list[Request] = []
    sent: dict[str, int] = {}
    with serve_compressed(site, sent) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context()  # empty cache: a first visit
            # On the context: the search worker's requests are counted too.
            context.on("request", lambda request: requests.append(request))  # noqa: PLW0108  # Playwright tags the handler
            page = context.new_page()
            page.goto(base + page_path, wait_until="networkidle")
            rows: list[dict[str, Any]] = []
            for request in requests:
                if request.url.startswith("data:"):
                    continue
                response = request.response()
                body = response.body() if response is not None else b""
                path = request.url.removeprefix(base)
                rows.append(
                    {
                        "url": path,
                        "type": request.resource_type,
                        "status": response.status if response is not None else None,
                        "transferred": sent.get(path, 0),
                        "decoded": len(body),
                        "third_party": urlsplit(request.url).hostname != "127.0.0.1",
                    }
                )
        finally:
            browser.close()
    return {
        "page": page_path,
        "requests": len(rows),
        # Response bodies as sent (gzipped where a static host would), headers not counted.
        "transferred_bytes": sum(int(row["transferred"]) for row in rows),
        "search_index_bytes": sum(
            int(row["transferred"]) for row in rows if str(row["url"]).endswith(SEARCH_INDEX)
        ),
        "uncompressed_bytes": sum(int(row["decoded"]) for row in rows),
        "third_party": [row["url"] for row in rows if row["third_party"]],
        "resources": rows,
    }


def search_index(site: Path) -> Json:
    """The search index as published (after the export adds the rule aliases): raw and gzipped."""
    export = run_timed(
        [tool("python"), "-m", "guidebook.export", "--site-dir", str(site)], cwd=ROOT
    )
    if export.returncode != 0:
        raise SystemExit(f"bench: guidebook.export failed:\n{export.output[-3000:]}")
    raw = (site / SEARCH_INDEX).read_bytes()
    index = json.loads(raw)
    by_page: Counter[str] = Counter()
    for entry in index["docs"]:
        by_page[entry["location"].split("#")[0]] += len(json.dumps(entry))
    # Material indexes the text of every code block; how much of the index is that?
    stripped = [dict(entry, text=_PRE.sub("", entry["text"])) for entry in index["docs"]]
    without_code = json.dumps({**index, "docs": stripped}).encode()
    total = sum(by_page.values())
    return {
        "path": SEARCH_INDEX,
        "raw_bytes": len(raw),
        "gzip_bytes": len(gzip.compress(raw, compresslevel=GZIP_LEVEL)),
        "gzip_bytes_without_code_blocks": len(gzip.compress(without_code, GZIP_LEVEL)),
        "code_block_share": round(1 - len(without_code) / len(raw), 3),
        "largest_pages": [
            {"page": page, "share": round(size / total, 3)} for page, size in by_page.most_common(3)
        ],
    }


def _summary(view: Json) -> Json:
    """A first view without its per-resource rows."""
    return {key: value for key, value in view.items() if key != "resources"}


def _audit(report: Json, name: str) -> float | None:
    value = report["audits"].get(name, {}).get("numericValue")
    return None if value is None else round(float(value), 1)


def _scores(report: Json) -> Json:
    """The figures of one Lighthouse report that the targets are about."""
    categories = report["categories"]
    audits = report["audits"]
    refs = categories["accessibility"]["auditRefs"]
    failed = [
        ref["id"]
        for ref in refs
        if audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1
    ]
    return {
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "performance": round(categories["performance"]["score"] * 100),
        "total_blocking_time_ms": _audit(report, "total-blocking-time"),
        "largest_contentful_paint_ms": _audit(report, "largest-contentful-paint"),
        "dom_elements": _audit(report, "dom-size"),
        "main_thread_ms": _audit(report, "mainthread-work-breakdown"),
        "accessibility_audits_failed": failed,
    }


def _lighthouse_run(url: str, report_path: Path) -> Json:
    """One Lighthouse run against Debian's Chromium: the figures, or what went wrong."""
    flags = " ".join(flag for flag in CHROMIUM_FLAGS if flag != "--headless") + " --headless=new"
    try:
        done = subprocess.run(
            [
                "node",
                str(lighthouse_cli()),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report_path}",
                "--only-categories=accessibility,performance",
                f"--chrome-flags={flags}",
            ],
            env={**os.environ, "CHROME_PATH": find_chromium()},
            capture_output=True,
            text=True,
            timeout=LIGHTHOUSE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"Lighthouse took more than {LIGHTHOUSE_TIMEOUT} s"}
    if done.returncode != 0 or not report_path.exists():
        return {"error": (done.stdout + done.stderr)[-2000:]}
    try:
        return _scores(json.loads(report_path.read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError) as error:  # a report without a score
        return {"error": f"unreadable Lighthouse report: {error!r}"}


def lighthouse(site: Path) -> Json:
    """Lighthouse on each page of LIGHTHOUSE_PAGES, served compressed: the median of the runs.

    The scores reported are those of the run whose Total Blocking Time is the median.
    """
    try:
        lighthouse_cli()  # installs it on first use
    except NodeToolError as error:
        return {"error": str(error)}
    results: Json = {
        "version": "12.2.3",
        "form_factor": "mobile (simulated throttling)",
        "runs": LIGHTHOUSE_RUNS,
    }
    kinds = page_kinds(site)
    with serve_compressed(site, {}) as base, tempfile.TemporaryDirectory() as out:
        for name in LIGHTHOUSE_PAGES:
            path = kinds[name]
            runs = [
                _lighthouse_run(base + path, Path(out) / f"{name}-{run}.json")
                for run in range(LIGHTHOUSE_RUNS)
            ]
            # A run that failed, or measured no blocking time, is left out of the median.
            good = [scores for scores in runs if scores.get("total_blocking_time_ms") is not None]
            if not good:
                results[name] = {"path": path, "error": runs[-1].get("error", "no TBT")}
                continue
            good.sort(key=lambda scores: float(scores["total_blocking_time_ms"]))
            results[name] = {
                "path": path,
                **good[(len(good) - 1) // 2],  # the lower median: an actual run
                "total_blocking_time_runs_ms": [
                    scores["total_blocking_time_ms"] for scores in good
                ],
                "failed_runs": len(runs) - len(good),
            }
    return results


def measure(site: Path) -> Json:
    """The search index, the first views and Lighthouse, of the site as published."""
    index = search_index(site)
    views = {kind: first_view(site, path) for kind, path in page_kinds(site).items()}
    return {
        "first_view": views["rule page"],
        "first_views": {kind: _summary(view) for kind, view in views.items()},
        "search_index": index,
        "lighthouse": lighthouse(site),
    }
