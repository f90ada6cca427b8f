"""The rule pages parsed once: each rule with its section, tabs, blocks, departures and tests.

guidebook.rules reads a rule's heading, statement and provenance and cuts its section; this
module reads what the section holds and which of the example's tests are marked for it. Every
artefact renders from this model: rules.json (guidebook.export), llms.txt and guideline.md
(guidebook.llms), the evidence and errata pages (guidebook.evidence), the short links
(guidebook.links), the rules index and the changelog. None of them cuts a page itself.
"""

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from guidebook.pages import fences, include_targets
from guidebook.paths import REGISTRY, RULE_PAGES, SNIPPETS
from guidebook.rules import Rule, parse_sections, read_registry

EXAMPLE_TESTS = SNIPPETS / "tests"
REVIEWER_CHECK = "**How a reviewer checks it.**"
WHY = "**Why.**"
TabKind = Literal["do", "dont", "other"]

_TAB = re.compile(r'^(?P<indent> *)=== "(?P<label>[^"]+)"')
_DO = re.compile(r"Do\b")  # "Do", "Do (async)"; not "Don't" or "Docs"
_DONT = re.compile(r"Don't\b")
_DEPARTURE = re.compile(r'^(?P<indent> *)!!! departure(?: "(?P<title>[^"]*)")?\s*$')
DepartureKind = Literal["departs", "level", "narrower", "dropped", "added", "unknown"]
# The title of a `!!! departure` box -> its kind; the errata group by kind in this order. An
# addition is not a box: it is a rule whose *Origin:* is `added — reason` (Entry.addition).
DEPARTURE_KINDS: dict[str, DepartureKind] = {
    "Departs from the original": "departs",
    "Level differs from the original": "level",
    "Narrower than the original": "narrower",
    "Dropped from the original": "dropped",
    "Added by this guideline": "added",
}


class StaleRegistryError(LookupError):
    """A published rule ID no longer names a rule on any page."""


DEPARTURE_KINDS_TITLE: dict[DepartureKind, str] = {k: t for t, k in DEPARTURE_KINDS.items()}


@dataclass(frozen=True)
class Departure:
    """A `!!! departure "Title"` note of a rule: what kind of change, and its Markdown body."""

    kind: DepartureKind  # "unknown" for a title not in DEPARTURE_KINDS (a test refuses it)
    title: str | None
    text: str  # the body, dedented


def departure_kind(title: str | None) -> DepartureKind:
    return DEPARTURE_KINDS.get(title or "", "unknown")


def tab_kind(label: str) -> TabKind:
    """What a content tab shows: the rule followed (Do), its anti-pattern (Don't), or else."""
    if _DONT.match(label):
        return "dont"
    return "do" if _DO.match(label) else "other"


@dataclass(frozen=True)
class Fence:
    """A fenced block of a rule's section, as the page writes it."""

    line: int  # 1-based line of the opening fence
    includes: tuple[str, ...]  # its `--8<--` targets, e.g. `app/main.py:create-app`


@dataclass(frozen=True)
class Tab:
    """A content tab (`=== "Do"`) of a rule's section; tabs may nest."""

    label: str
    kind: TabKind
    lines: range  # 1-based lines of its content


@dataclass(frozen=True)
class Entry:
    """One rule and what its section holds."""

    rule: Rule
    lines: range  # the section: 1-based lines after the heading, up to the next rule
    tabs: tuple[Tab, ...]
    fences: tuple[Fence, ...]
    why: str | None  # the **Why.** paragraph on one line
    reviewer_checked: bool  # a process rule: the page says how a reviewer checks it
    departures: tuple[Departure, ...]  # each `!!! departure` note, in page order
    tests: tuple[str, ...]  # `tests/...py::test_name` marked `@pytest.mark.rule(ID)`

    def fences_of(self, kind: TabKind) -> tuple[Fence, ...]:
        """The fences inside a tab of this kind, at any depth."""
        spans = [tab.lines for tab in self.tabs if tab.kind == kind]
        return tuple(f for f in self.fences if any(f.line in span for span in spans))

    def untabbed(self) -> tuple[Fence, ...]:
        """The fences outside every tab."""
        return tuple(f for f in self.fences if not any(f.line in t.lines for t in self.tabs))

    @property
    def addition(self) -> Departure | None:
        """A rule the original does not have, as the errata list it: the origin's reason."""
        origin = self.rule.origin
        if origin is None or origin.kind != "added" or self.rule.retired:
            return None
        return Departure("added", DEPARTURE_KINDS_TITLE["added"], origin.text or "")

    @property
    def changes(self) -> tuple[Departure, ...]:
        """Everything the errata list for this rule: its departure notes, then its addition."""
        return (*self.departures, *((self.addition,) if self.addition else ()))

    @property
    def do(self) -> tuple[str, ...]:
        return _targets(self.fences_of("do"))

    @property
    def dont(self) -> tuple[str, ...]:
        return _targets(self.fences_of("dont"))

    @property
    def includes(self) -> tuple[str, ...]:
        """Every include target of the section, each once, in page order."""
        return tuple(dict.fromkeys(_targets(self.fences)))

    @property
    def shown_tests(self) -> tuple[str, ...]:
        """Includes of the example's tests (`tests/...`) in the section."""
        return tuple(t for t in _targets(self.fences) if t.startswith("tests/"))


def _targets(found: Sequence[Fence]) -> tuple[str, ...]:
    return tuple(target for fence in found for target in fence.includes)


@dataclass(frozen=True)
class Catalogue:
    """Every rule of every rule page, in page order."""

    entries: tuple[Entry, ...]

    @property
    def rules(self) -> list[Rule]:
        return [entry.rule for entry in self.entries]

    def entry(self, rule_id: str) -> Entry:
        return next(entry for entry in self.entries if entry.rule.id == rule_id)


def _tabs(lines: list[str], section: range) -> Iterator[Tab]:
    """The content tabs of a section: a tab's content is indented deeper than its marker."""
    for number in section:
        match = _TAB.match(lines[number - 1])
        if match is None:
            continue
        indent, end = len(match["indent"]), number
        for later in range(number + 1, section.stop):
            row = lines[later - 1]
            if row.strip() and len(row) - len(row.lstrip(" ")) <= indent:
                break
            end = later
        yield Tab(match["label"], tab_kind(match["label"]), range(number + 1, end + 1))


def _why(body: list[str]) -> str | None:
    paragraph: list[str] = []
    for row in body:
        if paragraph and not row.strip():
            break
        if paragraph or row.startswith(WHY):
            paragraph.append(row.strip())
    return " ".join(paragraph) or None


def _departures(body: list[str]) -> Iterator[Departure]:
    """Each `!!! departure` note: its kind (from its title) and its indented lines, dedented."""
    note: list[str] | None = None
    indent, title = 0, None
    for line in [*body, "<end>"]:
        match = _DEPARTURE.match(line)
        ends = bool(match) or (bool(line.strip()) and not line.startswith(" " * (indent + 4)))
        if note is not None and ends:
            text = "\n".join(row[indent + 4 :] for row in note).strip()
            yield Departure(departure_kind(title), title, text)
            note = None
        if match:
            note, indent, title = [], len(match["indent"]), match["title"]
        elif note is not None:
            note.append(line)


def parse_page(text: str, page: str, tests: dict[str, list[str]]) -> list[Entry]:
    """The entries of one rule page (`page` relative to docs/); `tests` are by rule ID."""
    lines = text.splitlines()
    page_fences = [Fence(line, tuple(include_targets(body))) for line, _, _, body in fences(text)]
    entries = []
    for rule, section in parse_sections(text, page):
        body = lines[section.start - 1 : section.stop - 1]
        entries.append(
            Entry(
                rule=rule,
                lines=section,
                tabs=tuple(_tabs(lines, section)),
                fences=tuple(f for f in page_fences if f.line in section),
                why=_why(body),
                reviewer_checked=any(row.startswith(REVIEWER_CHECK) for row in body),
                departures=tuple(_departures(body)),
                tests=tuple(tests.get(rule.id, ())),
            )
        )
    return entries


def marked_tests(root: Path = EXAMPLE_TESTS) -> dict[str, list[str]]:
    """Tests marked `@pytest.mark.rule("ID")`, by rule ID, as `tests/...py::name`."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and ast.unparse(decorator.func) == "pytest.mark.rule"
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    test = f"{path.relative_to(root.parent).as_posix()}::{node.name}"
                    found.setdefault(str(decorator.args[0].value), []).append(test)
    return found


def check_registry(rules: Sequence[Rule], registry: dict[str, str]) -> None:
    """Every registered ID must still name a rule (a retired one keeps its tombstone)."""
    gone = sorted(set(registry) - {rule.id for rule in rules})
    if gone:
        raise StaleRegistryError(
            f"registered rule IDs are on no page (keep a RETIRED tombstone): {', '.join(gone)}"
        )


def load(
    pages_dir: Path = RULE_PAGES,
    tests_root: Path = EXAMPLE_TESTS,
    registry_path: Path | None = REGISTRY,
) -> Catalogue:
    """Parse every rule page once, checked against the registry when there is one."""
    tests = marked_tests(tests_root) if tests_root.is_dir() else {}
    entries = [
        entry
        for path in sorted(pages_dir.glob("*.md"))
        for entry in parse_page(
            path.read_text(encoding="utf-8"), path.relative_to(pages_dir.parent).as_posix(), tests
        )
    ]
    found = Catalogue(tuple(entries))
    if registry_path is not None and registry_path.exists():
        check_registry(found.rules, read_registry(registry_path))
    return found
