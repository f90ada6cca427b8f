"""The site also builds with Zensical, and keeps every rule page, anchor and short link there."""

import json
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidebook.checked_by import audit_checks
from guidebook.export import (
    _ALIAS_CLASS,
    built_page,
    export_site,
    h2_ids,
    inline_scripts,
    uncovered_scripts,
)
from guidebook.links import page_path, redirect_maps, short_ids
from guidebook.openapi import operations
from guidebook.pages import parse_config
from guidebook.paths import MKDOCS_YML, ROOT
from guidebook.rules import Rule
from guidebook.zensical import SITE_DIR, ZensicalBuild, build, build_config, export
from tests.test_checked_by import checked_by_lines

_ID = re.compile(r'\bid="([^"]+)"')


@pytest.fixture(scope="module")
def zensical() -> Iterator[ZensicalBuild]:
    """One strict Zensical build (in a unique folder under site-zensical/), exported."""
    site = SITE_DIR / f"test-{uuid.uuid4().hex[:12]}"
    try:
        done = build(site)
        assert done.returncode == 0, f"zensical build --strict failed:\n{done.log}"
        export(site)
        yield done
    finally:
        shutil.rmtree(site, ignore_errors=True)


def both(mkdocs_site: Path, zensical: ZensicalBuild) -> dict[str, Path]:
    return {"mkdocs": mkdocs_site, "zensical": zensical.site}


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_the_build_config_is_mkdocs_yml_with_the_short_links(rules: list[Rule]) -> None:
    """Zensical runs no hooks: its config is mkdocs.yml with the same map the MkDocs hook
    fills, and its own site_dir; nothing else differs."""
    text = MKDOCS_YML.read_text(encoding="utf-8")
    built = parse_config(build_config(text, rules, "out"))
    original = parse_config(text)
    plugins = [p for p in built["plugins"] if isinstance(p, dict)]
    maps = next(p["redirects"] for p in plugins if "redirects" in p)
    assert maps["redirect_maps"] == redirect_maps(rules)
    assert len(maps["redirect_maps"]) == 2 * len(rules)
    assert built.pop("site_dir") == "out"
    assert built["plugins"] != original["plugins"]
    built.pop("plugins")
    original.pop("plugins")
    assert built == original
    with pytest.raises(LookupError, match="redirect_maps"):
        build_config(text.replace("redirect_maps: {}", "redirect_maps:"), rules, "out")


def test_zensical_build_is_strict_and_reports_no_issue(zensical: ZensicalBuild) -> None:
    """`zensical build --strict` passes, says it found no issue, and left no config file."""
    assert "No issues found" in zensical.log, zensical.log
    # This build's own config: another build (a second worker, `make build-zensical`) may
    # have one of its own in the folder at the same moment.
    assert zensical.config.parent == ROOT
    assert zensical.config.name.startswith(".zensical-")
    assert not zensical.config.exists()
    assert (zensical.site / "index.html").is_file()


def test_every_rule_page_is_in_both_builds(
    exported_site: Path, zensical: ZensicalBuild, rules: list[Rule]
) -> None:
    """Every page that holds rules is built by MkDocs and by Zensical."""
    for name, site in both(exported_site, zensical).items():
        missing = {r.page for r in rules if not built_page(site, page_path(r.page)).is_file()}
        assert not missing, f"{name}: {sorted(missing)}"


def test_every_rule_anchor_is_an_h2_in_both_builds(
    exported_site: Path, zensical: ZensicalBuild, rules: list[Rule]
) -> None:
    """`h2#err-001` and every other rule anchor exist on the rule's page in both builds."""
    for name, site in both(exported_site, zensical).items():
        anchors: dict[str, set[str]] = {}
        for rule in rules:
            path = page_path(rule.page)
            if path not in anchors:
                anchors[path] = h2_ids(built_page(site, path).read_text(encoding="utf-8"))
        lost = [r.id for r in rules if r.anchor not in anchors[page_path(r.page)]]
        assert not lost, f"{name}: no h2 anchor for {lost}"


def test_every_short_link_forwards_to_its_rule_in_both_builds(
    exported_site: Path, zensical: ZensicalBuild, rules: list[Rule]
) -> None:
    """`r/ERR-001/` and `r/err-001/` exist in both builds and forward to the rule's anchor."""
    for name, site in both(exported_site, zensical).items():
        for rule in rules:
            target = f"../../{page_path(rule.page)}#{rule.anchor}"
            for spelling in short_ids(rule):
                stub = site / "r" / spelling / "index.html"
                assert stub.is_file(), f"{name}: no r/{spelling}/"
                html = stub.read_text(encoding="utf-8")
                assert f'url={target}"' in html, f"{name}: r/{spelling}/ does not go to {target}"


def test_both_builds_have_the_same_pages(exported_site: Path, zensical: ZensicalBuild) -> None:
    """MkDocs and Zensical write the same set of HTML pages (rules, short links, 404, ...)."""
    assert html_pages(exported_site) == html_pages(zensical.site)


def test_generated_files_are_in_both_builds(exported_copy: Path, zensical: ZensicalBuild) -> None:
    """rules.json, _redirects, llms.txt, guideline.md, openapi.json: same bytes; same zip."""
    # Exported back to back, so that a file edited meanwhile in this checkout cannot differ
    # (the MkDocs build's copy: the shared export is exported once per run, long before).
    mkdocs_site = exported_copy
    export_site(mkdocs_site)
    export(zensical.site)
    for name in ("rules.json", "_redirects", "llms.txt", "guideline.md", "openapi.json"):
        mk, zen = mkdocs_site / name, zensical.site / name
        assert mk.read_text(encoding="utf-8") == zen.read_text(encoding="utf-8"), name
    # The zip's bytes follow snippets/, which others may be editing: compare what it holds.
    listings = [
        zipfile.ZipFile(site / "tasks-service.zip").namelist()
        for site in (mkdocs_site, zensical.site)
    ]
    assert listings[0] == listings[1]
    assert len(listings[0]) > 50


def test_checked_by_lines_are_the_same_in_both_builds(
    exported_site: Path, zensical: ZensicalBuild, rules: list[Rule]
) -> None:
    """Every live rule's Checked-by line, the audit's checks included, renders alike."""
    live = [r for r in rules if not r.retired]
    lines = {
        name: [checked_by_lines(site, rule) for rule in live]
        for name, site in both(exported_site, zensical).items()
    }
    assert lines["mkdocs"] == lines["zensical"]
    assert sum("audit <a " in line for line in lines["zensical"]) == len(audit_checks())


def content_ids(site: Path, page: str) -> set[str]:
    """The ids a page's content carries (the theme's own `__skip`-style ids left out)."""
    html = built_page(site, page).read_text(encoding="utf-8")
    return {anchor for anchor in _ID.findall(html) if not anchor.startswith("__")}


def test_api_reference_pages_match(exported_site: Path, zensical: ZensicalBuild) -> None:
    """The HTTP API page (macros) and the code reference (mkdocstrings) carry the same ids."""
    for page in ("example/openapi/", "example/reference/"):
        ids = [content_ids(site, page) for site in (exported_site, zensical.site)]
        assert ids[0] == ids[1], (page, sorted(ids[0] ^ ids[1])[:10])
    doc = json.loads((exported_site / "openapi.json").read_text(encoding="utf-8"))
    anchors = {op.anchor for op in operations(doc)}
    assert anchors
    assert anchors <= content_ids(zensical.site, "example/openapi/")


def test_search_index_differs_as_documented(exported_site: Path, zensical: ZensicalBuild) -> None:
    """Material writes search/search_index.json (with the err001 aliases); Zensical search.json."""
    assert (exported_site / "search" / "search_index.json").is_file()
    assert not (zensical.site / "search" / "search_index.json").exists()
    assert (zensical.site / "search.json").is_file()
    assert _ALIAS_CLASS in (exported_site / "search" / "search_index.json").read_text("utf-8")
    assert _ALIAS_CLASS not in (zensical.site / "search.json").read_text(encoding="utf-8")


def test_zensical_inline_scripts_are_the_documented_csp_gap(
    exported_site: Path, zensical: ZensicalBuild
) -> None:
    """The CSP covers MkDocs' inline scripts; of Zensical's it misses only its __md_scope boot."""
    assert not uncovered_scripts(exported_site)
    gap = uncovered_scripts(zensical.site)
    assert gap, "Zensical's inline scripts are all allowed now: update README.md"
    for page in set(gap.values()):
        html = (zensical.site / page).read_text(encoding="utf-8")
        bodies = [b for b in inline_scripts(html) if b.startswith("__md_scope=")]
        assert bodies, page


def test_code_blocks_lose_their_plain_spans_in_both_builds(
    exported_site: Path, zensical: ZensicalBuild
) -> None:
    """Both builds keep the highlighting and unwrap names and whitespace (guidebook.code_spans)."""
    for site in (exported_site, zensical.site):
        html = built_page(site, "rules/observability/").read_text(encoding="utf-8")
        assert '<span class="k">' in html, site
        assert '<span class="n">' not in html, site
        assert '<span class="w">' not in html, site
