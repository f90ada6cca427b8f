"""rules.json, Netlify's _redirects and headers, and the search aliases, against a real build."""

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from guidebook.catalogue import load, parse_page
from guidebook.changelog import by_rule, read_events
from guidebook.checked_by import audit_checks, ruff_rules
from guidebook.export import (
    add_search_aliases,
    built_page,
    h2_ids,
    inline_scripts,
    main,
    missing_anchors,
    script_hash,
    site_script_hashes,
    site_url,
    uncovered_scripts,
)
from guidebook.links import catalogue, page_path
from guidebook.netlify import (
    config,
    csp_directives,
    header_rules,
    headers_for,
    path_matches,
    read_redirects,
    site_csp,
)
from guidebook.pages import fences, include_targets
from guidebook.paths import DOCS, REGISTRY, SNIPPETS
from guidebook.rules import Rule, read_registry

SECURITY_HEADERS = {
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
}
_FINGERPRINT = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)(\.map)?$")


@pytest.fixture(scope="module")
def entries(exported_site: Path) -> list[dict[str, Any]]:
    data = json.loads((exported_site / "rules.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_rules_json_lists_every_rule_in_catalogue_order(
    entries: list[dict[str, Any]], rules: list[Rule]
) -> None:
    """rules.json has one entry per catalogue rule and per registered ID, in page order."""
    assert [e["id"] for e in entries] == [r.id for r in rules]
    assert {e["id"] for e in entries} == set(read_registry(REGISTRY))


def test_rules_json_entries_match_the_rule_pages(
    entries: list[dict[str, Any]], rules: list[Rule]
) -> None:
    """Each entry carries its rule's fields, absolute URLs, status and first publication date."""
    base = site_url()
    registry = read_registry(REGISTRY)
    keys = (
        "id level title statement section page url anchor short_url status merged_into last_level"
        " origin checked_by departures since changed snippets tests"
    )
    for entry, rule in zip(entries, rules, strict=True):
        assert sorted(entry) == sorted(keys.split())
        assert (entry["level"], entry["title"], entry["statement"]) == (
            rule.level,
            rule.title,
            rule.statement,
        )
        assert (entry["section"], entry["page"], entry["anchor"]) == (
            rule.section,
            rule.page,
            rule.anchor,
        )
        assert entry["url"] == f"{base}{page_path(rule.page)}#{rule.anchor}"
        assert entry["short_url"] == f"{base}r/{rule.id}/"
        assert entry["status"] == {"RETIRED": "retired", "MERGED": "merged"}.get(
            rule.level, "active"
        )
        assert entry["merged_into"] == rule.merged_into
        assert (entry["merged_into"] is None) == (rule.level != "MERGED")
        assert entry["since"] == registry[rule.id]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["since"])


def test_rules_json_carries_origin_checks_and_changes(
    entries: list[dict[str, Any]], rules: list[Rule]
) -> None:
    """`origin` is the page's, `checked_by` the page's checks then the audit's (with links to
    ruff's and the audit's pages), `changed` the rule's recorded events in date order."""
    history = by_rule(read_events())
    audit, ruff = audit_checks(), ruff_rules()
    base = site_url()
    for entry, rule in zip(entries, rules, strict=True):
        assert rule.origin is not None, rule.id  # a tombstone keeps the origin it had
        assert entry["origin"] == {
            "kind": rule.origin.kind,
            "section": rule.origin.section,
            "text": rule.origin.text,
        }
        assert entry["origin"]["kind"] in {"original", "derived", "added"}
        if rule.status == "active":
            assert entry["last_level"] is None
            assert [(c["kind"], c["value"]) for c in entry["checked_by"]] == [
                *((c.kind, c.value) for c in rule.checked_by),
                *(("audit", name) for name in audit.get(rule.id, ())),
            ]
        else:  # the checks are the canonical rule's; the level is the one it had before
            assert entry["checked_by"] == []
            assert entry["last_level"] in {"MUST", "SHOULD", "MAY"}
            assert entry["last_level"] == entry["changed"][-1]["from"]
        for check in entry["checked_by"]:
            if check["kind"] == "audit":
                assert check["url"] == f"{base}audit/#what-it-checks"
            elif check["kind"] == "ruff" and check["value"] in ruff:
                name = ruff[check["value"]]["name"]
                assert check["url"] == f"https://docs.astral.sh/ruff/rules/{name}/"
            else:
                assert "url" not in check, check
        assert entry["changed"] == [e.as_json() for e in history.get(rule.id, [])]
        assert [c["date"] for c in entry["changed"]] == sorted(c["date"] for c in entry["changed"])
    assert any(e["changed"] for e in entries)
    assert any(c["kind"] == "audit" for e in entries for c in e["checked_by"])
    merged = [e for e in entries if e["status"] == "merged"]
    assert merged
    assert all(e["changed"][-1]["to"] == e["merged_into"] for e in merged)


def test_every_rules_json_anchor_is_an_h2_of_its_built_page(
    exported_site: Path, entries: list[dict[str, Any]]
) -> None:
    """Every entry's URL lands on an h2 with the entry's anchor in the built site."""
    for entry in entries:
        url = urlsplit(entry["url"])
        html = built_page(exported_site, url.path.removeprefix(urlsplit(site_url()).path))
        assert url.fragment == entry["anchor"]
        assert entry["anchor"] in h2_ids(html.read_text(encoding="utf-8")), entry["id"]


def test_rules_json_snippets_are_the_includes_of_each_rule_section(
    entries: list[dict[str, Any]], rules: list[Rule]
) -> None:
    """Each entry's snippets are include targets on its page that resolve to snippets/ files."""
    per_page: dict[str, set[str]] = {}
    for rule in rules:
        text = (DOCS / rule.page).read_text(encoding="utf-8")
        per_page.setdefault(rule.page, set()).update(
            t for _, _, _, body in fences(text) for t in include_targets(body)
        )
    for entry in entries:
        assert set(entry["snippets"]) <= per_page[entry["page"]]
        for target in entry["snippets"]:
            assert (SNIPPETS / target.split(":", 1)[0]).is_file(), target
        for test_file in entry["tests"]:
            assert test_file.startswith("snippets/tests/")
            assert (SNIPPETS.parent / test_file).is_file(), test_file


def test_snippets_of_a_rule_stop_at_the_next_rule() -> None:
    """A block belongs to the rule above it, up to the next rule heading; each target once."""
    page = (
        "# 7. Errors\n\n## ERR-001 · A { #err-001 }\n\n**MUST** · s\n\n*Origin:* derived (§7)\n\n"
        "*Checked by:* reviewer — x\n\n"
        '```python\n--8<-- "a.py:one"\n```\n\n'
        "## ERR-002 · B { #err-002 }\n\n**MUST** · s\n\n*Origin:* derived (§7)\n\n"
        '*Checked by:* reviewer — x\n\n=== "Do"\n\n    ```python\n    --8<-- "b.py:two"\n'
        '    --8<-- "a.py:one"\n    ```\n\n```python\n--8<-- "b.py:two"\n```\n'
    )
    first, second = parse_page(page, "rules/errors.md", {})
    assert first.includes == ("a.py:one",)
    assert second.includes == ("b.py:two", "a.py:one")


def test_rules_json_tests_are_the_files_of_the_marked_tests(
    entries: list[dict[str, Any]],
) -> None:
    """`tests` lists each file with a test marked for the rule once, not files that merely
    mention its ID (a comment saying `# SEC-002` proves nothing)."""
    catalogue = load()
    for entry in entries:
        marked = catalogue.entry(entry["id"]).tests
        assert {f"snippets/{test.partition('::')[0]}" for test in marked} == set(entry["tests"])
        assert len(set(entry["tests"])) == len(entry["tests"]), entry["id"]
    assert sum(bool(entry["tests"]) for entry in entries) > 100


def test_redirects_file_answers_every_short_link_with_a_forced_301(
    exported_site: Path, rules: list[Rule]
) -> None:
    """site/_redirects has a forced 301 per rule and case, to an h2 that exists on the target."""
    redirects = read_redirects((exported_site / "_redirects").read_text(encoding="utf-8"))
    assert len(redirects) == 2 * len(rules)
    expected = {
        (f"/r/{s}", f"/{page_path(r.page)}#{r.anchor}") for r in rules for s in (r.id, r.id.lower())
    }
    assert {(r.source, r.target) for r in redirects} == expected
    for redirect in redirects:
        assert (redirect.status, redirect.force) == (301, True)
        path, _, anchor = redirect.target.partition("#")
        assert anchor in h2_ids(built_page(exported_site, path).read_text(encoding="utf-8"))


def test_netlify_builds_and_publishes_the_site() -> None:
    """netlify.toml runs `make build`, publishes site/ and pins the Python version."""
    netlify = config()
    build = netlify["build"]
    assert isinstance(build, dict)
    assert (build["command"], build["publish"]) == ("make build", "site")
    assert re.fullmatch(r"3\.1[1-9]", build["environment"]["PYTHON_VERSION"])


def test_netlify_sets_the_security_headers_on_every_page() -> None:
    """Every page gets CSP, HSTS, nosniff, a referrer policy and frame denial."""
    for path in ("/", "/rules/errors/", "/404.html", "/rules.json"):
        headers = headers_for(path)
        assert set(headers) >= SECURITY_HEADERS, path
    assert "max-age=" in headers_for("/")["Strict-Transport-Security"]
    assert headers_for("/")["X-Content-Type-Options"] == "nosniff"


def test_csp_forbids_inline_code_and_foreign_hosts() -> None:
    """The CSP allows only this site: no unsafe-inline, no unsafe-eval, no other host."""
    directives = csp_directives(site_csp())
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources, name
        assert "'unsafe-eval'" not in sources, name
        assert not [s for s in sources if "://" in s or s in {"*", "https:", "http:"}], name


def test_csp_allows_every_inline_script_of_the_built_site(exported_site: Path) -> None:
    """Every inline script Material writes is allowed by a hash in netlify.toml's script-src."""
    hashes = site_script_hashes(exported_site)
    assert hashes, "the build has no inline script: has the theme changed?"
    assert not uncovered_scripts(exported_site), "add these hashes to script-src in netlify.toml"


def test_inline_script_detection_skips_data_and_external_scripts() -> None:
    """JSON data blocks and external scripts are not inline code; hashes are CSP sha256."""
    html = (
        '<script id="__config" type="application/json">{"a": 1}</script>'
        '<script src="x.js"></script><script>var a=1</script><script type="module">b()</script>'
    )
    assert list(inline_scripts(html)) == ["var a=1", "b()"]
    assert script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_long_cache_only_for_fingerprinted_assets(exported_site: Path) -> None:
    """Every file given an immutable cache header has a content hash in its name."""
    immutable = [p for p, h in header_rules() if "immutable" in h.get("Cache-Control", "")]
    assert immutable
    for pattern in immutable:
        files = [
            "/" + f.relative_to(exported_site).as_posix()
            for f in exported_site.rglob("*")
            if f.is_file() and path_matches(pattern, "/" + f.relative_to(exported_site).as_posix())
        ]
        assert files, f"{pattern} matches no file of the build"
        stale = [f for f in files if not _FINGERPRINT.search(f)]
        assert not stale, f"{pattern}: not fingerprinted, must not be immutable: {stale}"


def test_site_has_a_404_page(exported_site: Path) -> None:
    """Netlify serves the site's own 404.html, whose assets load from any depth."""
    html = (exported_site / "404.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="stylesheet" href="/assets/stylesheets/main\.', html)


def test_search_index_carries_compact_id_aliases(exported_copy: Path, rules: list[Rule]) -> None:
    """Each rule's search entry carries `err001` and `ERR001`; re-running adds nothing twice."""
    path = exported_copy / "search" / "search_index.json"
    assert add_search_aliases(exported_copy, rules) == 0
    docs = {d["location"]: d for d in json.loads(path.read_text(encoding="utf-8"))["docs"]}
    for rule in rules:
        text = docs[f"{page_path(rule.page)}#{rule.anchor}"]["text"]
        compact = rule.id.replace("-", "")
        assert f">{compact} {compact.lower()}</span>" in text
        assert text.count("rule-alias") == 1


def test_export_command_checks_anchors_and_csp(exported_copy: Path) -> None:
    """`python -m guidebook.export --site-dir` succeeds on the build; anchors all resolve."""
    assert main(["--site-dir", str(exported_copy)]) == 0
    assert not missing_anchors(exported_copy, catalogue())


def test_an_unlisted_inline_script_is_reported(tmp_path: Path) -> None:
    """A page with an inline script the CSP does not list is reported, with the page."""
    (tmp_path / "index.html").write_text("<p>hi</p><script>alert(1)</script>", encoding="utf-8")
    assert uncovered_scripts(tmp_path) == {script_hash("alert(1)"): "index.html"}
