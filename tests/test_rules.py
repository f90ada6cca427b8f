"""Rule IDs are a public contract: well-formed, unique, anchored, and never lost."""

import re
import subprocess
from collections import Counter

import pytest

from guidebook.catalogue import DEPARTURE_KINDS, Departure, load, tab_kind
from guidebook.catalogue import parse_page as parse_catalogue_page
from guidebook.links import rewrite_links
from guidebook.paths import REGISTRY, ROOT, RULE_PAGES
from guidebook.rules import (
    ID_PATTERN,
    LEVELS,
    TOMBSTONES,
    Rule,
    load_rules,
    read_registry,
    stray_ids,
)


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return load_rules()


def test_rule_pages_parse_and_hold_rules(rules: list[Rule]) -> None:
    """Every rule page follows the rule grammar and the catalogue is not empty."""
    pages = {rule.page for rule in rules}
    missing = [p.name for p in RULE_PAGES.glob("*.md") if f"rules/{p.name}" not in pages]
    assert not missing, f"rule pages without any rule: {missing}"


def test_ids_are_well_formed(rules: list[Rule]) -> None:
    """Every ID is AREA-NNN in upper case with a lower-case anchor of the same text."""
    bad = [r.id for r in rules if not re.fullmatch(ID_PATTERN, r.id) or r.anchor != r.id.lower()]
    assert not bad


def test_ids_are_unique(rules: list[Rule]) -> None:
    """No ID is used twice, on one page or across pages."""
    duplicates = [rule_id for rule_id, n in Counter(r.id for r in rules).items() if n > 1]
    assert not duplicates, f"duplicate rule IDs: {duplicates}"


def test_each_area_belongs_to_one_page(rules: list[Rule]) -> None:
    """An area code names one section, so an ID says where its rule lives."""
    pages_by_area: dict[str, set[str]] = {}
    for rule in rules:
        pages_by_area.setdefault(rule.area, set()).add(rule.page)
    shared = {area: pages for area, pages in pages_by_area.items() if len(pages) > 1}
    assert not shared
    areas_by_page: dict[str, set[str]] = {}
    for rule in rules:
        areas_by_page.setdefault(rule.page, set()).add(rule.area)
    mixed = {page: areas for page, areas in areas_by_page.items() if len(areas) > 1}
    assert not mixed


def test_levels_are_known(rules: list[Rule]) -> None:
    """Every rule is MUST, SHOULD or MAY, or a RETIRED or MERGED tombstone."""
    assert {r.level for r in rules} <= {*LEVELS, *TOMBSTONES}


def test_merged_rules_point_at_a_live_rule(rules: list[Rule]) -> None:
    """A MERGED tombstone names its canonical rule, which is live (no chains)."""
    live = {r.id for r in rules if not r.retired}
    merged = {r.id: r.merged_into for r in rules if r.level == "MERGED"}
    broken = {rule_id: into for rule_id, into in merged.items() if into not in live}
    assert merged, "no MERGED tombstone found: the check would prove nothing"
    assert not broken, f"MERGED tombstones must point at a live rule: {broken}"


def test_no_malformed_id_in_headings() -> None:
    """An ID-like token in a heading must be a well-formed rule heading."""
    stray = [
        f"{path.name}:{line}: {text}"
        for path in sorted(RULE_PAGES.glob("*.md"))
        for line, text in stray_ids(path)
    ]
    assert not stray


def test_every_published_id_still_resolves(rules: list[Rule]) -> None:
    """IDs are never removed: every registered ID is still on a page (live or tombstone)."""
    on_pages = {r.id for r in rules}
    gone = sorted(set(read_registry(REGISTRY)) - on_pages)
    assert not gone, f"published rule IDs disappeared (keep a RETIRED tombstone): {gone}"


def test_every_rule_is_registered(rules: list[Rule]) -> None:
    """A new rule is added to the registry when it is published."""
    unregistered = sorted({r.id for r in rules} - set(read_registry(REGISTRY)))
    assert not unregistered, (
        f"rules missing from {REGISTRY.relative_to(ROOT)}: {unregistered}; "
        "run `make register` to add them"
    )


def test_registry_only_grows() -> None:
    """No commit ever removed an ID from the registry."""
    rel = REGISTRY.relative_to(ROOT).as_posix()
    revisions = subprocess.run(
        ["git", "log", "--format=%H", "--", rel],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    current = set(read_registry(REGISTRY))
    for revision in revisions:
        old = subprocess.run(
            ["git", "show", f"{revision}:{rel}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        removed = {
            line.split()[0]
            for line in old.splitlines()
            if line.strip() and not line.startswith("#")
        } - current
        assert not removed, f"commit {revision[:12]} had IDs the registry lost: {sorted(removed)}"


# ---------------------------------------------------------------- the catalogue model

MODEL_PAGE = """# 7. Errors

## ERR-001 · One { #err-001 }

**MUST** · Do it.

*Origin:* derived (§7)

*Checked by:* reviewer — the handler

**Why.** Because
it matters.

=== "Do"

    ```python
    --8<-- "app/a.py:do"
    ```

    === "Do (async)"

        ```python
        --8<-- "app/b.py:nested"
        ```

=== "Don't"

    ```python
    --8<-- "demos/bad.py:demo"
    ```

!!! departure "Departs from the original"
    The original says [this](#err-002) and [that](../checklist.md#x).

    Second paragraph.

```python
--8<-- "tests/proofs/test_a.py:proof"
```

## ERR-002 · Gone { #err-002 }

**RETIRED** · Replaced by [ERR-001](#err-001).

*Origin:* added — a model rule.

=== "Docs"

    Plain text.
"""


def test_the_model_reads_tabs_blocks_departures_and_tests() -> None:
    """One parse gives each rule its section, tabs (nested too), blocks by tab and its notes."""
    first, second = parse_catalogue_page(MODEL_PAGE, "rules/errors.md", {"ERR-001": ["t::x"]})
    assert (first.rule.id, first.lines) == ("ERR-001", range(4, 41))
    assert second.lines == range(42, 50)
    assert [(tab.label, tab.kind) for tab in first.tabs] == [
        ("Do", "do"),
        ("Do (async)", "do"),
        ("Don't", "dont"),
    ]
    assert first.do == ("app/a.py:do", "app/b.py:nested")
    assert first.dont == ("demos/bad.py:demo",)
    assert [fence.includes for fence in first.untabbed()] == [("tests/proofs/test_a.py:proof",)]
    assert first.shown_tests == ("tests/proofs/test_a.py:proof",)
    assert first.why == "**Why.** Because it matters."
    assert first.departures == (
        Departure(
            "departs",
            "Departs from the original",
            "The original says [this](#err-002) and [that](../checklist.md#x).\n\n"
            "Second paragraph.",
        ),
    )
    assert (first.tests, second.tests) == (("t::x",), ())


def test_every_departure_box_has_a_known_kind() -> None:
    """Each `!!! departure` box is titled with one of the known kinds (Departs, Level differs,
    Narrower, Dropped): the errata group by that title, rules.json names its kind."""
    boxes = [(e.rule.id, d) for e in load(registry_path=None).entries for d in e.departures]
    unknown = [f"{rule_id}: {d.title!r}" for rule_id, d in boxes if d.kind == "unknown"]
    assert not unknown, f"departure titles must be one of {sorted(DEPARTURE_KINDS)}: {unknown}"
    assert {d.kind for _, d in boxes} >= {"departs", "level", "narrower", "dropped"}
    untitled = parse_catalogue_page(
        MODEL_PAGE.replace('!!! departure "Departs from the original"', "!!! departure"),
        "rules/errors.md",
        {},
    )[0]
    assert untitled.departures[0].kind == "unknown"


def test_a_tombstone_has_no_blocks_and_an_other_tab() -> None:
    """A RETIRED rule parses with its section; a tab that is neither Do nor Don't is `other`."""
    _, tombstone = parse_catalogue_page(MODEL_PAGE, "rules/errors.md", {})
    assert tombstone.rule.retired
    assert tombstone.rule.origin is not None
    assert (tombstone.rule.origin.kind, tombstone.addition) == ("added", None)  # not in errata
    assert [(tab.label, tab.kind) for tab in tombstone.tabs] == [("Docs", "other")]
    assert (tombstone.do, tombstone.dont, tombstone.includes, tombstone.why) == ((), (), (), None)


@pytest.mark.parametrize(
    ("label", "kind"),
    [("Do", "do"), ("Do (async)", "do"), ("Don't", "dont"), ("Docs", "other"), ("Why", "other")],
)
def test_tab_labels_are_classified_once(label: str, kind: str) -> None:
    """Do and Don't are told apart by their word, not by a prefix (`Don't` starts with `Do`)."""
    assert tab_kind(label) == kind


def test_relative_links_resolve_against_their_page() -> None:
    """A departure's links work from the docs root; other sites, mail and `/x` stay as written."""
    text = "[a](#err-002) [b](../checklist.md#x) [c](https://x.org/) [d](mailto:a@b) [e](/r/X/)"
    assert rewrite_links(text, "rules/errors.md", str) == (
        "[a](rules/errors.md#err-002) [b](checklist.md#x) [c](https://x.org/) "
        "[d](mailto:a@b) [e](/r/X/)"
    )
