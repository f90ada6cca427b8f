"""The history of the rules: when each was created, re-levelled, reworded, merged or retired.

Two sources, each the only one for its facts: `guidebook/registry.txt` dates every rule's
creation (its first publication), and `docs/rule-changes.toml` records every later event. Both
the changelog page (guidebook.changelog_page) and the `changed` field
of rules.json read them through `read_events()`; `inconsistencies()` compares them with the
rule pages, and a test keeps that list empty.
"""

import datetime
import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from guidebook.paths import DOCS
from guidebook.rules import ID_PATTERN, LEVELS, MERGED, RETIRED, Rule

RULE_CHANGES = DOCS / "rule-changes.toml"
Kind = Literal["created", "level", "merged", "retired", "reworded"]
RECORDED: tuple[Kind, ...] = ("level", "merged", "retired", "reworded")  # in rule-changes.toml
_KEYS = {"date", "rule", "kind", "from", "to", "note"}
_ID = re.compile(rf"^{ID_PATTERN}$")


class ChangelogError(ValueError):
    """rule-changes.toml breaks its grammar."""


@dataclass(frozen=True)
class Event:
    """One thing that happened to one rule."""

    date: datetime.date
    rule: str
    kind: Kind
    before: str | None = None  # `from`: the level, or the title, before
    after: str | None = None  # `to`: the new level, the canonical rule, or the new title
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        """The event as rules.json's `changed` lists it (the rule is the entry's)."""
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "from": self.before,
            "to": self.after,
            "note": self.note,
        }


def _event(number: int, raw: Mapping[str, Any]) -> Event:
    """One [[event]] table, validated; `number` (1-based) names it in errors."""
    where = f"{RULE_CHANGES.name}, event {number} ({raw.get('rule', '?')})"
    unknown = set(raw) - _KEYS
    missing = {"date", "rule", "kind", "note"} - set(raw)
    if unknown or missing:
        raise ChangelogError(f"{where}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
    kind, before, after = raw["kind"], raw.get("from"), raw.get("to")
    if kind not in RECORDED:
        raise ChangelogError(
            f"{where}: kind {kind!r} is not one of {', '.join(RECORDED)} "
            "(a rule's creation is its date in the registry)"
        )
    if type(raw["date"]) is not datetime.date or not _ID.match(str(raw["rule"])):
        raise ChangelogError(f"{where}: `date` is a TOML date and `rule` a rule ID")
    if not isinstance(raw["note"], str) or not raw["note"].strip():
        raise ChangelogError(f"{where}: every event has a one-sentence `note`")
    shape = {
        "level": before in LEVELS and after in LEVELS and before != after,
        "merged": before in LEVELS and bool(_ID.match(str(after))),
        "retired": before in (None, *LEVELS) and after is None,
        # A new title names both; a change of wording alone names neither.
        "reworded": (before, after) == (None, None)
        or (isinstance(before, str) and isinstance(after, str) and before != after),
    }
    if not shape[kind]:
        raise ChangelogError(f"{where}: `from` {before!r} and `to` {after!r} do not fit a {kind}")
    return Event(raw["date"], raw["rule"], kind, before, after, raw["note"].strip())


def read_events(path: Path = RULE_CHANGES) -> list[Event]:
    """The recorded events of rule-changes.toml, in date order (file order within a date)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    events = [_event(n, raw) for n, raw in enumerate(data.get("event", []), start=1)]
    return sorted(events, key=lambda event: event.date)


def created(registry: Mapping[str, str]) -> list[Event]:
    """A `created` event per registered rule, dated by the registry."""
    return [
        Event(datetime.date.fromisoformat(since), rule_id, "created")
        for rule_id, since in registry.items()
    ]


def by_rule(events: Iterable[Event]) -> dict[str, list[Event]]:
    """Each rule's events in date order."""
    found: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: e.date):
        found.setdefault(event.rule, []).append(event)
    return found


def _rule_problems(rule: Rule, own: Sequence[Event]) -> Iterator[str]:
    """Where one rule's events disagree with its page or with each other."""
    ends = [e for e in own if e.kind in ("merged", "retired")]
    state = (ends[-1].kind, ends[-1].after) if ends else None
    expected = {MERGED: ("merged", rule.merged_into), RETIRED: ("retired", None)}
    if state != expected.get(rule.level):
        into = f" into {rule.merged_into}" if rule.merged_into else ""
        yield f"{rule.id}: the page says {rule.level}{into}, its last end event says {state}"
    levels = [e for e in own if e.kind == "level"]
    for earlier, later in itertools.pairwise(levels):
        if earlier.after != later.before:
            yield f"{rule.id}: {earlier.after} on {earlier.date}, then a change from {later.before}"
    if levels and rule.level in LEVELS and levels[-1].after != rule.level:
        yield f"{rule.id}: its last level event says {levels[-1].after}, the page {rule.level}"
    if levels and ends and ends[-1].before != levels[-1].after:
        yield f"{rule.id}: {ends[-1].kind} from {ends[-1].before}, last level {levels[-1].after}"
    titles = [e for e in own if e.kind == "reworded" and e.after is not None]
    if titles and titles[-1].after != rule.title:
        yield f"{rule.id}: renamed to {titles[-1].after!r}, titled {rule.title!r} on its page"


def inconsistencies(
    rules: Sequence[Rule], registry: Mapping[str, str], events: Sequence[Event]
) -> list[str]:
    """Where the recorded history, the registry and the rule pages disagree; empty if nowhere.

    Every ID an event names is registered and the event is not older than the rule; a MERGED
    or RETIRED tombstone has the matching last event and an event has its tombstone; levels
    chain from event to event and end at the page's level; a new title is the page's title.
    """
    problems = [
        f"{e.rule}: its {e.kind} event names {name}, which is not in the registry"
        for e in events
        for name in (e.rule, *([e.after] if e.kind == "merged" and e.after else []))
        if name not in registry
    ]
    problems += [
        f"{e.rule}: {e.kind} on {e.date} is before its creation ({registry[e.rule]})"
        for e in events
        if e.rule in registry and e.date.isoformat() < registry[e.rule]
    ]
    history = by_rule(events)
    for rule in rules:
        problems.extend(_rule_problems(rule, history.get(rule.id, [])))
    return problems
