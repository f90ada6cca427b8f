"""The rule changelog page: every event of every rule, newest first, rendered at build time.

`docs/rule-changes.md` calls `rule_changes()` through the macros plugin (guidebook.macros), so
MkDocs and Zensical render the same page from the same events as rules.json's `changed`
(guidebook.changelog): nothing on it is typed by hand, and it cannot fall out of date.
"""

import html
import re
from collections.abc import Sequence

from guidebook.changelog import RECORDED, Event, created, read_events
from guidebook.links import page_path, short_path
from guidebook.paths import REGISTRY
from guidebook.rules import read_registry

PAGE = "rule-changes.md"
_CODE = re.compile(r"(`[^`]*`)")


def cell(markdown: str) -> str:
    """Markdown for a table cell: `<`, `>`, `&` and `|` escaped outside code spans."""
    return "".join(
        part if part.startswith("`") else html.escape(part, quote=False).replace("|", r"\|")
        for part in _CODE.split(markdown)
    )


def short(rule_id: str) -> str:
    """The rule's short link, relative to the page's own URL (`/rule-changes/`).

    Inline HTML: a Markdown link to a path that is not a page would be a warning (`--strict`).
    """
    up = "../" * page_path(PAGE).count("/")
    return f'<a href="{up}{short_path(rule_id)}">{rule_id}</a>'


def change(event: Event) -> str:
    """`MUST → SHOULD`, `MUST → [IDEM-001](...)`, `old title → new title`, or `—`."""
    if event.before is None and event.after is None:
        return "—"
    after = event.after or "—"
    target = short(after) if event.kind == "merged" else cell(after)
    return f"{cell(event.before or '—')} → {target}"


def render(events: Sequence[Event]) -> str:
    """The changelog as Markdown: newest date first, each date's changes in one table."""
    kinds = ("created", *RECORDED)
    counts = {kind: sum(e.kind == kind for e in events) for kind in kinds}
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    lines = [f"{len(events)} events: {summary}."]
    for date in sorted({e.date for e in events}, reverse=True):
        today = [e for e in events if e.date == date]
        changes = sorted(
            (e for e in today if e.kind != "created"),
            key=lambda e: (kinds.index(e.kind), e.rule),
        )
        lines += ["", f"## {date.isoformat()}", ""]
        if changes:
            lines += ["| Rule | Change | From → to | Note |", "|---|---|---|---|"]
            lines += [
                f"| {short(e.rule)} | {e.kind} | {change(e)} | {cell(e.note)} |" for e in changes
            ]
            lines.append("")
        born = sorted(e.rule for e in today if e.kind == "created")
        if born:
            lines.append(f"**Created** ({len(born)}): " + ", ".join(map(short, born)) + ".")
    return "\n".join(lines) + "\n"


def rule_changes() -> str:
    """The macro: the history of the published catalogue."""
    return render([*created(read_registry(REGISTRY)), *read_events()])
