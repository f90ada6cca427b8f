"""(a) The site: `mkdocs build --strict` wall time and the live-reload delay of `mkdocs serve`."""

import secrets
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import ROOT, SNIPPETS, Json, environment, free_port, run_timed, spread, tool

BUILD_RUNS = 3
RELOAD_RUNS = 3
# A whole-file include (docs/rules/configuration.md shows all of it), and a file no
# test imports, so the seconds it carries a marker disturb no parallel work.
EDITED_SNIPPET = SNIPPETS / ".env.example"
EDITED_PAGE = "/rules/configuration/"
SERVE_START_TIMEOUT = 120.0
RELOAD_TIMEOUT = 90.0
IDLE_TIMEOUT = 30.0
POLL_INTERVAL = 0.05
# mkdocs serve logs one of each per build; equal counts mean no build is running.
BUILD_STARTED = "Building documentation"
BUILD_DONE = "Documentation built in"
QUIET_SECONDS = 1.5


def build_site(site_dir: Path) -> float:
    """Build the site into `site_dir` once; return the wall time, fail on a broken build."""
    timed = run_timed([tool("mkdocs"), "build", "--strict", "--quiet", "--site-dir", str(site_dir)])
    if timed.returncode != 0:
        raise SystemExit(f"bench: mkdocs build --strict failed:\n{timed.output[-3000:]}")
    return timed.seconds


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  # loopback only
            body: bytes = response.read()
            return body.decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, *, contains: str | None, absent: str | None, timeout: float) -> float:
    """Poll the page until it matches; return the seconds it took."""
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < timeout:
        html = _fetch(url)
        if (
            html is not None
            and (contains is None or contains in html)
            and (absent is None or absent not in html)
        ):
            return elapsed
        time.sleep(POLL_INTERVAL)
    raise SystemExit(f"bench: {url} did not change within {timeout:.0f} s")


def _wait_idle(log: Path, timeout: float) -> bool:
    """Wait until the server has finished every build it started and stays idle a moment."""
    started = time.perf_counter()
    quiet_since: float | None = None
    while time.perf_counter() - started < timeout:
        text = log.read_text(encoding="utf-8", errors="replace")
        idle = text.count(BUILD_STARTED) == text.count(BUILD_DONE) > 0
        now = time.perf_counter()
        if not idle:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= QUIET_SECONDS:
            return True
        time.sleep(POLL_INTERVAL)
    # Something else keeps writing under the watched folders (a test run's caches):
    # measure anyway, and say so.
    return False


@contextmanager
def _serving(port: int, log: Path) -> Iterator[None]:
    """Run `mkdocs serve` on a loopback port for as long as the block runs."""
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [tool("mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
            cwd=ROOT,
            env=environment(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _built_count(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count(BUILD_DONE)


def _wait_built(log: Path, after: int, started: float) -> float:
    """Wait for a build that finished after the edit (then browsers reload); seconds since edit."""
    while time.perf_counter() - started < RELOAD_TIMEOUT:
        if _built_count(log) > after:
            return time.perf_counter() - started
        time.sleep(POLL_INTERVAL)
    raise SystemExit(f"bench: no rebuild within {RELOAD_TIMEOUT:.0f} s of the edit")


def reload_delays() -> tuple[list[float], list[float], int]:
    """Edit one snippet under a running `mkdocs serve`; time until the page shows it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{EDITED_PAGE}"
    original = EDITED_SNIPPET.read_bytes()
    delays = []
    rebuilt = []
    busy = 0
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as directory:
        log = Path(directory) / "serve.log"
        with _serving(port, log):
            _wait_for(url, contains=None, absent=None, timeout=SERVE_START_TIMEOUT)
            for _ in range(RELOAD_RUNS):
                # Each run starts from an idle server: no build of an earlier edit overlaps.
                busy += not _wait_idle(log, IDLE_TIMEOUT)
                marker = f"benchmark{secrets.token_hex(6)}"
                builds = _built_count(log)
                try:
                    EDITED_SNIPPET.write_bytes(original + f"# {marker}\n".encode())
                    edited = time.perf_counter()
                    delays.append(
                        _wait_for(url, contains=marker, absent=None, timeout=RELOAD_TIMEOUT)
                    )
                    rebuilt.append(_wait_built(log, builds, edited))
                finally:
                    EDITED_SNIPPET.write_bytes(original)  # never leave the edit behind
                _wait_for(url, contains=None, absent=marker, timeout=RELOAD_TIMEOUT)
    return delays, rebuilt, busy


def measure(site_dir: Path) -> Json:
    """Build the site BUILD_RUNS times (the last build stays in `site_dir`), then time reloads."""
    builds = [build_site(site_dir) for _ in range(BUILD_RUNS)]
    delays, rebuilt, busy = reload_delays()
    return {
        "build_seconds": spread(builds),
        "build_runs": builds,
        "reload_seconds": spread(delays),
        "reload_runs": delays,
        # Until the build finishes and mkdocs tells the open browsers to reload.
        "rebuild_seconds": spread(rebuilt),
        "rebuild_runs": rebuilt,
        # Runs whose edit landed while another change was still being built.
        "reload_runs_not_idle": busy,
        "edited_snippet": EDITED_SNIPPET.relative_to(ROOT).as_posix(),
        "page": EDITED_PAGE,
    }
