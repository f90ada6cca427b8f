"""Every rule carries its proof: generated pages are current, no MUST rule lacks evidence."""

import re
import shutil
from importlib.metadata import version
from pathlib import Path

from guidebook import evidence
from guidebook.catalogue import DEPARTURE_KINDS, load, marked_tests
from guidebook.export import built_page, rule_entries
from guidebook.links import page_path
from guidebook.paths import DOCS, RULE_PAGES, SNIPPETS
from guidebook.rules import load_rules
from guidebook.versions import LIBRARIES
from tests.conftest import Build


def test_evidence_and_errata_are_generated_by_the_build(site_build: Build) -> None:
    """docs/ holds only each page's text and its macro; the built pages link every rule (the
    evidence) and every rule with a departure note or an `added` origin (the errata), each
    entry under its kind's heading, with a count per kind in the summary line."""
    for name, macro in (("evidence.md", "rule_evidence"), ("errata.md", "rule_errata")):
        text = (DOCS / name).read_text(encoding="utf-8")
        assert text.startswith("---\nrender_macros: true\n"), name
        assert f"{{{{ {macro}() }}}}" in text, name
        assert "|---|" not in text, f"{name}: a generated table is committed"
        assert "\n## " not in text, f"{name}: a generated section is committed"
    collected = evidence.collect()
    built = {
        name: built_page(site_build.site, name).read_text(encoding="utf-8")
        for name in ("evidence/", "errata/")
    }
    for item in collected:
        link = f'href="../{page_path(item.rule.page)}#{item.rule.anchor}"'
        assert link in built["evidence/"], item.rule.id
        entry = f"<strong><a {link}>{item.rule.id}</a>"  # an entry's heading, not a mention
        assert built["errata/"].count(entry) == len(item.changes), item.rule.id
    counts = evidence.errata_counts(collected)
    added = [item.rule.id for item in collected if item.addition]
    assert counts["added"] == len(added)
    assert {"AGT-007", "OPS-005"} <= set(added)
    assert all(count for count in counts.values()), counts
    assert set(counts) == {kind for kind, _, _ in evidence.ERRATA_GROUPS}, "a kind without a group"
    total = sum(counts.values())
    summary = ", ".join(f"{counts[k]} {word}" for k, _, word in evidence.ERRATA_GROUPS)
    assert f"{total} changes to the original in " in built["errata/"]
    assert f": {summary}." in built["errata/"]
    headings = [f"{heading} ({counts[kind]})" for kind, heading, _ in evidence.ERRATA_GROUPS]
    found = [built["errata/"].find(f">{heading}<") for heading in headings]
    assert -1 not in found, headings
    assert found == sorted(found), headings


def test_every_addition_is_in_the_errata_with_its_reason() -> None:
    """A rule whose origin is `added — reason` is an "Added by this guideline" entry that
    carries the reason, under that heading."""
    collected = evidence.collect()
    page = evidence.render_errata(collected)
    added_part = page[page.index("\n## Added by this guideline") :]
    for item in collected:
        if item.rule.origin and item.rule.origin.kind == "added":
            assert item.addition
            assert item.addition.text == item.rule.origin.text
            assert f"[{item.rule.id}](" in added_part, item.rule.id
            assert f"\n    {item.rule.origin.text}\n" in added_part, item.rule.id


def test_rules_json_lists_each_rules_departures_by_kind() -> None:
    """rules.json's `departures` are the rule's boxes as `{kind, text}`, each of a known kind."""
    catalogue = load(registry_path=None)
    entries = rule_entries(catalogue, {}, "https://example.org/")
    known = set(DEPARTURE_KINDS.values()) - {"added"}
    for entry, item in zip(entries, catalogue.entries, strict=True):
        assert entry["departures"] == [{"kind": d.kind, "text": d.text} for d in item.departures]
        assert all(d["kind"] in known for d in entry["departures"]), entry["id"]
    assert sum(len(e["departures"]) for e in entries) > 20


def test_every_must_rule_that_code_can_show_is_proven() -> None:
    """A MUST rule that code can show has a Do block, a Don't block and a test."""
    gaps = [gap for item in evidence.collect() for gap in evidence.gaps(item)]
    assert not gaps, "\n".join(gaps)


def test_proofs_are_shown_on_their_rule() -> None:
    """A rule with tests shows one of them under 'How this is verified' on its page."""
    unshown = [item.rule.id for item in evidence.collect() if item.tests and not item.shown_tests]
    assert not unshown


def test_marked_tests_name_real_rules() -> None:
    """Every `@pytest.mark.rule(ID)` names a rule that exists."""
    ids = {rule.id for rule in load_rules()}
    unknown = sorted(set(marked_tests()) - ids)
    assert not unknown


def test_the_rule_marker_is_registered() -> None:
    """The example's pytest config declares the marker, so a typo in it fails under --strict."""
    config = (SNIPPETS / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"rule\(id\): ', config)


def test_removing_a_dont_block_of_a_must_rule_is_caught(tmp_path: Path) -> None:
    """Deleting the Don't tab of a MUST rule (in a copy of the pages) opens a gap."""
    pages = tmp_path / "rules"
    shutil.copytree(RULE_PAGES, pages)
    victim = next(item for item in evidence.collect() if item.rule.level == "MUST" and item.dont)
    page = pages / Path(victim.rule.page).name
    text = page.read_text(encoding="utf-8")
    start = text.index(f"{{ #{victim.rule.anchor} }}")
    tab = text.index('=== "Don\'t"', start)
    end = text.index("\n\n", text.index("```\n", text.index("```", tab) + 3))
    page.write_text(text[:tab] + text[end + 2 :], encoding="utf-8")
    planted = next(e for e in evidence.collect(pages) if e.rule.id == victim.rule.id)
    assert not planted.dont
    assert f"{victim.rule.id}: no Don't block" in evidence.gaps(planted)


def test_every_page_states_the_versions_it_was_verified_with(site_build: Build) -> None:
    """Each built page names the FastAPI, Pydantic, SQLAlchemy and HTTPX versions of this run."""
    expected = [f"{name} {version(package)}" for name, package in LIBRARIES.items()]
    pages = [DOCS / "index.md", *sorted(RULE_PAGES.glob("*.md"))]
    for page in pages:
        stem = page.relative_to(DOCS).with_suffix("").as_posix()
        html = site_build.site / ("index.html" if stem == "index" else f"{stem}/index.html")
        text = html.read_text(encoding="utf-8")
        assert all(item in text for item in expected), f"{stem}: versions missing"
