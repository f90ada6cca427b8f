"""The rules index page: every rule of the catalogue in one table, rendered at build time.

`docs/rules-index.md` calls `rules_index()` through the macros plugin (guidebook.macros), so
MkDocs and Zensical render the same table. The table is plain HTML: without JavaScript it is the
whole list; `docs/javascripts/rules-index.js` adds filters (level, section, check kind, text)
from the `data-*` attributes of its rows.

Only the fields every catalogue keeps are read: a rule's id, title, level, anchor, page and
section. How each rule is checked comes as a mapping of rule ID to kinds of check (`test`,
`audit`, `ruff`, ...): the page's *Checked by* line and the audit tool's registry
(guidebook.checked_by). `render()` shows the "Checked by" column and its filter only when the
mapping is given; the published index always gives it.
"""

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from markdown import Markdown

from guidebook.checked_by import checks, kinds
from guidebook.links import catalogue, page_path, short_path
from guidebook.rules import Rule, section_order

PAGE = "rules-index.md"
TABLE_CLASS = "rules-index"


class IndexedRule(Protocol):
    """What the index reads of a rule."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def anchor(self) -> str: ...
    @property
    def page(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def retired(self) -> bool: ...


def _relative(target: str, page: str = PAGE) -> str:
    """A site path (`r/ERR-001/`) as a link from the index page's own directory URL."""
    depth = page_path(page).count("/")
    return "../" * depth + target


def inline(markdown: str) -> str:
    """A title's inline Markdown (`code`, emphasis) as HTML, without the paragraph around it."""
    rendered = Markdown().convert(markdown)
    return rendered.removeprefix("<p>").removesuffix("</p>")


def status(rule: IndexedRule) -> str:
    """`active`, or `merged` / `retired` for a tombstone."""
    return rule.status


def ordered(rules: Iterable[IndexedRule]) -> list[IndexedRule]:
    """The guideline's order: sections 1-27, then appendices A-D; rules in ID order within."""
    return sorted(rules, key=lambda rule: (section_order(rule.section), rule.id))


def _row(rule: IndexedRule, checks: Sequence[str] | None) -> str:
    level = "" if rule.retired else rule.level
    attrs = {
        "id": f"index-{rule.anchor}",
        "data-level": level,
        "data-section": rule.section,
        "data-status": status(rule),
    }
    cells = [
        f'<td class="rule-id"><a href="{_relative(short_path(rule.id))}">{rule.id}</a></td>',
        f"<td>{html.escape(level or '—')}</td>",
        f'<td><a href="{_relative(page_path(rule.page))}#{rule.anchor}">'
        f"{inline(rule.title)}</a></td>",
        f"<td>{html.escape(rule.section)}</td>",
        f"<td>{status(rule)}</td>",
    ]
    if checks is not None:
        attrs["data-check"] = " ".join(checks)
        cells.append(f"<td>{html.escape(', '.join(checks))}</td>")
    attributes = " ".join(f'{name}="{html.escape(value)}"' for name, value in attrs.items())
    return f"<tr {attributes}>" + "".join(cells) + "</tr>"


def _caption(rows: Sequence[IndexedRule]) -> str:
    """How many rules are in force; merged and retired IDs are counted apart, not as rules."""
    tombstones = sum(1 for rule in rows if rule.retired)
    count = f"{len(rows) - tombstones} rules in force"
    if tombstones:
        count += f", and {tombstones} merged or retired IDs that still resolve"
    return f'<span class="{TABLE_CLASS}__count">{count}</span>, in the guideline\'s order'


def render(rules: Iterable[IndexedRule], checks: Mapping[str, Sequence[str]] | None = None) -> str:
    """The index table as one HTML block (no blank line inside, so Markdown leaves it alone).

    `checks` maps a rule ID to the kinds of check that prove it (`test`, `reviewer`, ...); when
    it is None the column is left out rather than shown empty or guessed.
    """
    rows = ordered(rules)
    headers = ["ID", "Level", "Title", "Section", "Status"]
    if checks is not None:
        headers.append("Checked by")
    head = "".join(f'<th scope="col">{name}</th>' for name in headers)
    body = "\n".join(
        _row(rule, None if checks is None else checks.get(rule.id, ())) for rule in rows
    )
    return (
        # Focusable and named: on a phone the table scrolls sideways inside it.
        f'<div class="{TABLE_CLASS}" data-rules="{len(rows)}" role="region" '
        'aria-label="Rules index" tabindex="0">\n'
        f'<table class="{TABLE_CLASS}__table">\n'
        f"<caption>{_caption(rows)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n"
        "</table>\n"
        "</div>\n"
    )


def check_kinds(rules: Iterable[Rule]) -> dict[str, list[str]]:
    """Rule ID -> the kinds of check that check it, the audit's included."""
    return {rule.id: kinds(checks(rule)) for rule in rules}


def rules_index() -> str:
    """The macro: the index of the published catalogue, with how each rule is checked."""
    rules = catalogue()
    return render(rules, check_kinds(rules))
