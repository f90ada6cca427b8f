"""What the site publishes about its rules, written next to a built site.

`python -m guidebook.export --site-dir site` runs after `mkdocs build` and writes, all from the
rule catalogue:

- `rules.json`: every rule with its level, statement, absolute URL, short link, status (a
  tombstone also with the rule it was merged into and its `last_level`), origin, the checks
  that check it (the page's and the audit tool's), its departures from the original
  (`{kind, text}`: departs, level, narrower, dropped), first publication date, changes
  since (guidebook.changelog), the snippet sections its blocks include and the example's test
  files with a test marked for it (`@pytest.mark.rule`);
- `_redirects`: Netlify's 301 answers for the short links `/r/<ID>` (see guidebook.links);
- search aliases: the compact spelling of each ID (`err001`) added to the rule's entry in the
  built search index, so that it finds the rule as `ERR-001` and `err-001` already do;
- `llms.txt`, `guideline.md`, `openapi.json` and `tasks-service.zip` (guidebook.artifacts): the
  guideline for coding agents, the example's API contract and the example as a template.

It then checks that every inline script of the built pages is allowed by the
Content-Security-Policy in netlify.toml, and fails the build when one is not.

`--docs` writes only `docs/rules.json`, so that `mkdocs serve` shows the file too.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from guidebook.artifacts import write_artifacts
from guidebook.catalogue import Catalogue, Entry, load
from guidebook.changelog import Event, by_rule, read_events
from guidebook.checked_by import as_json as checks_json
from guidebook.checked_by import checks, ruff_names
from guidebook.links import netlify_redirects, page_path, rule_path, short_ids, short_path
from guidebook.netlify import NETLIFY_TOML, csp_directives, site_csp
from guidebook.pages import mkdocs_config
from guidebook.paths import DOCS, MKDOCS_YML, REGISTRY, ROOT, SNIPPETS
from guidebook.rules import Rule, read_registry

RULES_JSON = "rules.json"
_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?(?P<type>[^"'\s>]+)""", re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_ALIAS_CLASS = "rule-alias"


def site_url(config_path: Path = MKDOCS_YML) -> str:
    """The site's public root URL, with a trailing slash."""
    url = str(mkdocs_config(config_path)["site_url"])
    return url if url.endswith("/") else url + "/"


def test_files(entry: Entry) -> list[str]:
    """The example's test files with a test marked for the rule, relative to the repository."""
    project = SNIPPETS.relative_to(ROOT).as_posix()
    return list(dict.fromkeys(f"{project}/{test.partition('::')[0]}" for test in entry.tests))


def registry() -> dict[str, str]:
    """Every published ID with its first publication date; empty before the first."""
    return read_registry(REGISTRY) if REGISTRY.exists() else {}


def origin_json(rule: Rule) -> dict[str, str | None] | None:
    """rules.json's `origin`: `{kind, section, text}` (a tombstone keeps the one it had)."""
    if rule.origin is None:
        return None
    return {"kind": rule.origin.kind, "section": rule.origin.section, "text": rule.origin.text}


def last_level(rule: Rule, events: Sequence[Event]) -> str | None:
    """The level a tombstone had when it was merged or retired; None for a live rule."""
    if rule.status == "active":
        return None
    ends = [e for e in events if e.kind in ("merged", "retired")]
    return ends[-1].before if ends else None


def rule_entries(
    catalogue: Catalogue, registry: dict[str, str], base_url: str
) -> list[dict[str, Any]]:
    """The rules.json entries, one per rule in catalogue order."""
    history = by_rule(read_events())
    ruff = ruff_names()
    entries = []
    for entry in catalogue.entries:
        rule = entry.rule
        entries.append(
            {
                "id": rule.id,
                "level": rule.level,
                "title": rule.title,
                "statement": rule.statement,
                "section": rule.section,
                "page": rule.page,
                "url": base_url + rule_path(rule),
                "anchor": rule.anchor,
                "short_url": base_url + short_path(rule.id),
                "status": rule.status,
                "merged_into": rule.merged_into,
                "last_level": last_level(rule, history.get(rule.id, [])),
                "origin": origin_json(rule),
                "checked_by": checks_json(checks(rule), base_url, ruff),
                "departures": [{"kind": d.kind, "text": d.text} for d in entry.departures],
                "since": registry.get(rule.id),
                "changed": [event.as_json() for event in history.get(rule.id, [])],
                "snippets": list(entry.includes),
                "tests": test_files(entry),
            }
        )
    return entries


def write_rules_json(directory: Path, entries: list[dict[str, Any]]) -> Path:
    """Write rules.json (stable key order, UTF-8, one trailing newline)."""
    path = directory / RULES_JSON
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def compact_aliases(rule: Rule) -> list[str]:
    """Spellings search should also accept: `ERR001`, `err001`."""
    return [spelling.replace("-", "") for spelling in short_ids(rule)]


def add_search_aliases(site: Path, rules: Sequence[Rule]) -> int:
    """Add each rule's compact ID to its entry of Material's search index; return the count.

    The alias goes in a hidden span at the end of the entry's text: the search tokenizer sees
    it, the result list does not show it. A build without that index (another theme, Zensical)
    is left alone.
    """
    index_path = site / "search" / "search_index.json"
    if not index_path.exists():
        return 0
    index = json.loads(index_path.read_text(encoding="utf-8"))
    by_location = {rule_path(rule): rule for rule in rules}
    added = 0
    for doc in index.get("docs", []):
        rule = by_location.get(doc.get("location", ""))
        if rule is None or _ALIAS_CLASS in doc.get("text", ""):
            continue
        words = " ".join(compact_aliases(rule))
        doc["text"] = f'{doc.get("text", "")} <span class="{_ALIAS_CLASS}" hidden>{words}</span>'
        added += 1
    index_path.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return added


class _H2Ids(HTMLParser):
    """Collects the id of every h2 of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id")
        if tag == "h2" and anchor:
            self.ids.add(anchor)


def h2_ids(html: str) -> set[str]:
    """The ids of a page's h2 headings: the anchors a rule link can land on."""
    parser = _H2Ids()
    parser.feed(html)
    return parser.ids


def built_page(site: Path, url_path: str) -> Path:
    """The HTML file a site path (`rules/errors/`) is served from."""
    return site / url_path.strip("/") / "index.html" if url_path.strip("/") else site / "index.html"


def missing_anchors(site: Path, rules: Sequence[Rule]) -> list[str]:
    """Rules whose anchor is not an h2 id of their built page."""
    ids: dict[str, set[str]] = {}
    missing = []
    for rule in rules:
        path = page_path(rule.page)
        if path not in ids:
            html = built_page(site, path)
            ids[path] = h2_ids(html.read_text(encoding="utf-8")) if html.exists() else set()
        if rule.anchor not in ids[path]:
            missing.append(f"{rule.id}: no h2#{rule.anchor} on {path or '/'}")
    return missing


def is_redirect_stub(site: Path, html: Path) -> bool:
    """A page mkdocs-redirects wrote for a short link; Netlify answers those paths with a 301."""
    return html.relative_to(site).parts[0] == "r"


def inline_scripts(html: str) -> Iterator[str]:
    """The bodies of a page's inline scripts that a browser would execute."""
    for match in _SCRIPT.finditer(html):
        attrs = match["attrs"]
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        kind = _TYPE.search(attrs)
        if (kind["type"].lower() if kind else "") in _JS_TYPES:
            yield match["body"]


def script_hash(body: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def site_script_hashes(site: Path) -> dict[str, str]:
    """Every inline script hash of the built pages, with one page that carries it."""
    found: dict[str, str] = {}
    for html in sorted(site.rglob("*.html")):
        if is_redirect_stub(site, html):
            continue
        for body in inline_scripts(html.read_text(encoding="utf-8")):
            found.setdefault(script_hash(body), html.relative_to(site).as_posix())
    return found


def uncovered_scripts(site: Path, netlify_toml: Path = NETLIFY_TOML) -> dict[str, str]:
    """Inline scripts of the built site that netlify.toml's script-src does not allow."""
    allowed = set(csp_directives(site_csp(netlify_toml)).get("script-src", []))
    return {h: page for h, page in site_script_hashes(site).items() if h not in allowed}


def write_rule_files(site: Path, catalogue: Catalogue) -> list[dict[str, Any]]:
    """What every build gets, MkDocs' and Zensical's: rules.json, _redirects and the artifacts."""
    entries = rule_entries(catalogue, registry(), site_url())
    write_rules_json(site, entries)
    (site / "_redirects").write_text(netlify_redirects(catalogue.rules), encoding="utf-8")
    write_artifacts(site, catalogue=catalogue)
    return entries


def export_site(site: Path) -> list[dict[str, Any]]:
    """Write rules.json, _redirects, the artifacts and the search aliases into a built site."""
    catalogue = load()
    entries = write_rule_files(site, catalogue)
    add_search_aliases(site, catalogue.rules)
    return entries


def main(argv: Sequence[str] | None = None) -> int:
    """Export into a built site (default) or into docs/ for `mkdocs serve`."""
    parser = argparse.ArgumentParser(description="Write rules.json and the short links.")
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--docs", action="store_true", help="write only docs/rules.json")
    args = parser.parse_args(argv)
    if args.docs:
        catalogue = load()
        write_rules_json(DOCS, rule_entries(catalogue, registry(), site_url()))
        sys.stdout.write(f"docs/{RULES_JSON}: {len(catalogue.entries)} rules\n")
        return 0
    entries = export_site(args.site_dir)
    sys.stdout.write(
        f"{RULES_JSON}, _redirects, search aliases, llms.txt, guideline.md, openapi.json, "
        f"tasks-service.zip: {len(entries)} rules\n"
    )
    lost = missing_anchors(args.site_dir, load().rules)
    if lost:
        sys.stderr.write("rule anchors missing from the built pages:\n" + "\n".join(lost) + "\n")
        return 1
    missing = uncovered_scripts(args.site_dir)
    if missing:
        sys.stderr.write(
            "netlify.toml's Content-Security-Policy does not allow these inline scripts "
            "(add them to script-src):\n"
            + "".join(f"  {h}  (e.g. {page})\n" for h, page in sorted(missing.items()))
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
