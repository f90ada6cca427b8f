"""The grammar of a rule, read from the rule pages: the single source of truth for every rule.

A rule is a level-2 heading `## ERR-001 · Title { #err-001 }` followed by a paragraph that
starts with its level: `**MUST** · Statement.` A live rule's statement is followed by its
`*Origin:*` and `*Checked by:*` lines (guidebook.rule_lines); a tombstone (`**MERGED** · into
[X](...)`, `**RETIRED** · ...`) has neither. `parse_sections` is the one place a page is cut
into rule sections; guidebook.catalogue reads what each section holds, and everything derived
from rules (rules.json, short links, search entries, the generated pages) reads that model.
This module stays standard-library only: the audit tool's wheel build imports it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from guidebook.paths import RULE_PAGES
from guidebook.rule_lines import Check, LineSyntaxError, Origin, provenance

ID_PATTERN = r"[A-Z][A-Z0-9]{1,4}-\d{3}"
LEVELS = ("MUST", "SHOULD", "MAY")
RETIRED = "RETIRED"
MERGED = "MERGED"  # a tombstone whose content moved into another rule
TOMBSTONES = (RETIRED, MERGED)

HEADING = re.compile(
    rf"^## (?P<id>{ID_PATTERN}) · (?P<title>\S.*?) \{{ #(?P<anchor>[a-z0-9-]+) \}}$"
)
_LEVEL = re.compile(
    rf"^\*\*(?P<level>{'|'.join((*LEVELS, *TOMBSTONES))})\*\* · (?P<statement>\S.*)"
)
# Looser than ID_PATTERN on purpose: it finds malformed IDs (ERR-01) in headings.
_ID_TOKEN = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\b")
_H1 = re.compile(r"^# (?P<title>.+)$", re.M)


class RuleSyntaxError(ValueError):
    """A rule page breaks the grammar that the catalogue depends on."""


@dataclass(frozen=True)
class Rule:
    """One rule as published: its identity, level and one-line statement."""

    id: str
    title: str
    level: str
    statement: str
    anchor: str
    page: str  # path relative to docs/, e.g. "rules/errors.md"
    section: str  # the page's H1, the guideline's section heading
    line: int
    origin: Origin | None = None  # every parsed rule has one, a tombstone too
    checked_by: tuple[Check, ...] = ()  # as typed on the page; the audit's are added at build

    @property
    def area(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def retired(self) -> bool:
        """A tombstone: retired, or merged into another rule."""
        return self.level in TOMBSTONES

    @property
    def status(self) -> str:
        return {RETIRED: "retired", MERGED: "merged"}.get(self.level, "active")

    @property
    def merged_into(self) -> str | None:
        """The canonical rule of a MERGED tombstone."""
        if self.level != MERGED:
            return None
        match = re.match(rf"into \[({ID_PATTERN})\]", self.statement)
        return match[1] if match else None


def parse_page(path: Path, docs_root: Path) -> list[Rule]:
    """Return the rules of one page, raising RuleSyntaxError on any grammar breach."""
    page = path.relative_to(docs_root).as_posix()
    return [rule for rule, _ in parse_sections(path.read_text(encoding="utf-8"), page)]


def parse_sections(text: str, page: str) -> list[tuple[Rule, range]]:
    """Each rule of a page's text with its section: the 1-based lines after its heading, up to
    the next rule heading or the end of the page. The one place a page is cut into rules."""
    lines = text.splitlines()
    h1 = _H1.search(text)
    if h1 is None:
        raise RuleSyntaxError(f"{page}: no H1 heading")
    headings = list(_headings(lines, page))
    starts = [number for number, _ in headings]
    found = []
    for (number, match), stop in zip(headings, [*starts[1:], len(lines) + 1], strict=True):
        section = range(number + 1, stop)
        rule_id, anchor = match["id"], match["anchor"]
        if anchor != rule_id.lower():
            raise RuleSyntaxError(f"{page}:{number}: anchor #{anchor} must be #{rule_id.lower()}")
        body = lines[number : stop - 1]
        level, statement = _statement(body, number, page)
        origin, checked_by = _provenance(body, number, page, level in TOMBSTONES)
        rule = Rule(
            id=rule_id,
            title=match["title"],
            level=level,
            statement=statement,
            anchor=anchor,
            page=page,
            section=h1["title"].strip(),
            line=number,
            origin=origin,
            checked_by=checked_by,
        )
        found.append((rule, section))
    return found


def _headings(lines: list[str], page: str) -> Iterator[tuple[int, re.Match[str]]]:
    """(line, match) of every level-2 heading outside a fence; each must be a rule heading."""
    in_fence = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or not line.startswith("## "):
            continue
        match = HEADING.match(line)
        if match is None:
            raise RuleSyntaxError(
                f"{page}:{number}: level-2 headings on rule pages must read "
                f"'## AREA-NNN · Title {{ #area-nnn }}', got {line!r}"
            )
        yield number, match


def _statement(body: list[str], heading_line: int, page: str) -> tuple[str, str]:
    """Read the level paragraph that must open a rule's section (`body`)."""
    paragraph: list[str] = []
    for line in body:
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    match = _LEVEL.match(" ".join(paragraph))
    if match is None:
        raise RuleSyntaxError(
            f"{page}:{heading_line}: the paragraph after a rule heading must start with "
            f"**MUST** · / **SHOULD** · / **MAY** · / **RETIRED** · / **MERGED** ·"
        )
    return match["level"], match["statement"]


def _provenance(
    body: list[str], heading_line: int, page: str, tombstone: bool
) -> tuple[Origin | None, tuple[Check, ...]]:
    """The rule's *Origin:* and *Checked by:* lines, or a RuleSyntaxError naming page and line."""
    try:
        return provenance(body, heading_line + 1, tombstone)
    except LineSyntaxError as error:
        raise RuleSyntaxError(f"{page}:{error.line}: {error}") from error


def stray_ids(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ID-like tokens in headings that are not well-formed rule headings."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#") and _ID_TOKEN.search(line) and not HEADING.match(line):
            yield number, line


def section_order(section: str) -> tuple[int, str]:
    """Sort key that puts sections in the guideline's order: 0-27, then appendices A-D."""
    number, _, _ = section.partition(".")
    return (int(number), "") if number.isdigit() else (100, number)


def load_rules(pages_dir: Path = RULE_PAGES) -> list[Rule]:
    """Every rule of every rule page, in page order."""
    docs_root = pages_dir.parent
    rules: list[Rule] = []
    for path in sorted(pages_dir.glob("*.md")):
        rules.extend(parse_page(path, docs_root))
    return rules


def read_registry(path: Path) -> dict[str, str]:
    """Every ID ever published, with the date it was first published."""
    registry: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rule_id, since = line.split()
        registry[rule_id] = since
    return registry
