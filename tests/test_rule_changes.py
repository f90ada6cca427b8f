"""The rule changelog: one record of events, consistent with the registry and the rule pages."""

import dataclasses
import datetime
import re
from pathlib import Path

import pytest

from guidebook.changelog import (
    ChangelogError,
    Event,
    by_rule,
    created,
    inconsistencies,
    read_events,
)
from guidebook.changelog_page import PAGE, render
from guidebook.export import built_page
from guidebook.links import page_path
from guidebook.paths import REGISTRY
from guidebook.rules import Rule, read_registry
from tests.conftest import Build

DAY = datetime.date(2026, 12, 1)


@pytest.fixture(scope="module")
def registry() -> dict[str, str]:
    return read_registry(REGISTRY)


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return read_events()


def toml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rule-changes.toml"
    path.write_text(body, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the record's grammar


def test_the_record_parses_into_typed_events_in_date_order(events: list[Event]) -> None:
    assert {e.kind for e in events} >= {"level", "merged", "reworded"}
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert all(isinstance(e.date, datetime.date) and e.note for e in events)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ('kind = "created"', "a rule's creation is its date in the registry"),
        ('kind = "renamed"', "is not one of"),
        ('kind = "level"\nfrom = "MUST"\nto = "MUST"', "do not fit a level"),
        ('kind = "level"\nfrom = "MUST"\nto = "OPTIONAL"', "do not fit a level"),
        ('kind = "merged"\nfrom = "MUST"\nto = "idem-1"', "do not fit a merged"),
        ('kind = "reworded"\nto = "A new title"', "do not fit a reworded"),
        ('kind = "retired"\nto = "ERR-002"', "do not fit a retired"),
        ('kind = "level"\nfrom = "MUST"\nto = "SHOULD"\nwhy = "x"', "unknown keys \\['why'\\]"),
    ],
)
def test_malformed_events_are_refused(tmp_path: Path, event: str, message: str) -> None:
    body = f'[[event]]\ndate = 2026-12-01\nrule = "ERR-001"\nnote = "Why."\n{event}\n'
    with pytest.raises(ChangelogError, match=f"event 1 \\(ERR-001\\): .*{message}"):
        read_events(toml(tmp_path, body))


def test_a_date_must_be_a_date_and_a_note_is_required(tmp_path: Path) -> None:
    quoted = '[[event]]\ndate = "2026-12-01"\nrule = "ERR-001"\nkind = "reworded"\nnote = "x"\n'
    with pytest.raises(ChangelogError, match="TOML date"):
        read_events(toml(tmp_path, quoted))
    silent = '[[event]]\ndate = 2026-12-01\nrule = "ERR-001"\nkind = "reworded"\nnote = " "\n'
    with pytest.raises(ChangelogError, match="note"):
        read_events(toml(tmp_path, silent))


# ---------------------------------------------------------------- against the pages


def test_the_record_agrees_with_the_registry_and_the_pages(
    rules: list[Rule], registry: dict[str, str], events: list[Event]
) -> None:
    """Every named ID is registered; tombstones and merged/retired events match both ways;
    levels chain to the page's level; a recorded new title is the page's title."""
    problems = inconsistencies(rules, registry, events)
    assert not problems, "\n".join(problems)


def _without(events: list[Event], rule_id: str, kind: str) -> list[Event]:
    return [e for e in events if not (e.rule == rule_id and e.kind == kind)]


def test_planted_disagreements_are_found(
    rules: list[Rule], registry: dict[str, str], events: list[Event]
) -> None:
    """Each kind of disagreement, planted once in a copy of the events, is reported."""
    merged = next(r for r in rules if r.level == "MERGED")
    levelled = next(
        r
        for r in rules
        if r.level == "SHOULD" and any(e.kind == "level" for e in by_rule(events).get(r.id, []))
    )
    live = next(r for r in rules if r.level == "MUST")
    assert merged.merged_into

    def found(planted: list[Event]) -> str:
        return "\n".join(inconsistencies(rules, registry, planted))

    assert f"{merged.id}: the page says MERGED" in found(_without(events, merged.id, "merged"))
    redirected = [
        dataclasses.replace(e, after=live.id) if e.rule == merged.id and e.kind == "merged" else e
        for e in events
    ]
    assert f"{merged.id}: the page says MERGED into {merged.merged_into}" in found(redirected)
    into_nothing = [*events, Event(DAY, live.id, "merged", "MUST", "ZZZ-999", "Gone.")]
    problems = found(into_nothing)
    assert "names ZZZ-999, which is not in the registry" in problems
    assert f"{live.id}: the page says MUST, its last end event says ('merged', 'ZZZ-999')" in (
        problems
    )
    unknown = [*events, Event(DAY, "ZZZ-998", "reworded", note="Unregistered.")]
    assert "ZZZ-998: its reworded event names ZZZ-998" in found(unknown)
    relevelled = [*events, Event(DAY, levelled.id, "level", "MAY", "MUST", "Back again.")]
    problems = found(relevelled)
    assert f"{levelled.id}: SHOULD on {DAY}, then a change from MAY" in problems
    assert f"{levelled.id}: its last level event says MUST, the page SHOULD" in problems
    early = [*events, Event(datetime.date(2000, 1, 1), live.id, "reworded", note="Too soon.")]
    assert f"{live.id}: reworded on 2000-01-01 is before its creation" in found(early)
    renamed = [*events, Event(DAY, live.id, "reworded", live.title, "Another title", "New.")]
    assert f"{live.id}: renamed to 'Another title'" in found(renamed)
    retired = [*events, Event(DAY, live.id, "retired", "MUST", None, "Retired.")]
    assert f"{live.id}: the page says MUST, its last end event says ('retired', None)" in (
        found(retired)
    )


def test_every_registered_rule_has_its_creation(registry: dict[str, str]) -> None:
    born = created(registry)
    assert [e.rule for e in born] == list(registry)
    assert {e.date.isoformat() for e in born} == set(registry.values())


# ---------------------------------------------------------------- the page


def test_the_page_lists_dates_newest_first_and_escapes_notes() -> None:
    events = [
        *created({"ERR-001": "2026-11-27", "ERR-002": "2026-11-27"}),
        Event(DAY, "ERR-002", "merged", "MUST", "ERR-001", "Moved into `ERR-001`."),
        Event(DAY, "ERR-001", "reworded", note="Names <table>_<column>_idx | `a|b`."),
        Event(DAY, "ERR-001", "level", "MUST", "SHOULD", "A choice."),
    ]
    text = render(events)
    one, two = (f'<a href="../r/{rule_id}/">{rule_id}</a>' for rule_id in ("ERR-001", "ERR-002"))
    assert text.index("## 2026-12-01") < text.index("## 2026-11-27")
    rows = [line for line in text.splitlines() if line.startswith("| <a")]
    assert rows == [
        f"| {one} | level | MUST → SHOULD | A choice. |",
        f"| {two} | merged | MUST → {one} | Moved into `ERR-001`. |",
        f"| {one} | reworded | — | Names &lt;table&gt;_&lt;column&gt;_idx \\| `a|b`. |",
    ]
    assert f"**Created** (2): {one}, {two}." in text
    assert text.startswith("5 events: 2 created, 1 level, 1 merged, 1 reworded.")


def test_the_built_page_shows_every_event_with_links_that_resolve(
    site_build: Build, registry: dict[str, str], events: list[Event]
) -> None:
    """Each recorded event is a row; every short link on the page leads to a built page."""
    html = built_page(site_build.site, page_path(PAGE)).read_text(encoding="utf-8")
    table = html[html.index("<table") : html.rindex("</table>")]
    rows = re.findall(r"<tr>\s*<td><a href=\"\.\./r/([A-Z0-9-]+)/\">", table)
    assert sorted(rows) == sorted(e.rule for e in events)
    linked = set(re.findall(r'href="\.\./r/([A-Z0-9-]+)/"', html))
    assert linked == set(registry)  # every rule is at least created
    page_dir = site_build.site / page_path(PAGE)
    for rule_id in linked:
        assert (page_dir / ".." / "r" / rule_id / "index.html").resolve().is_file(), rule_id
    assert "&lt;table&gt;_&lt;column&gt;_idx" in html  # a note's angle brackets stay text
