"""The two lines under a live rule's statement: where it comes from and what checks it.

    *Origin:* original (§7) — “Unified error format — RFC 7807 (Problem Details).”
    *Origin:* derived (§4)
    *Origin:* added — the original says nothing of the build context
    *Checked by:* test `tests/proofs/test_errors.py::test_x` · ruff `BLE001` · reviewer — what

guidebook.rules reads them into each Rule; a line that breaks this grammar is an error there,
with the page and line. The audit tool's checks are not typed on the pages: they come from
its registry at build time (guidebook.checked_by), so the kind `audit` is refused here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

ORIGIN_PREFIX = "*Origin:*"
CHECKED_PREFIX = "*Checked by:*"
OriginKind = Literal["original", "derived", "added"]
# The label a page writes -> the kind rules.json and the index use.
CHECK_KINDS = {"test": "test", "ruff": "ruff", "mypy": "mypy", "CI": "ci", "reviewer": "reviewer"}
AUDIT = "audit"  # a kind of check, taken from the audit registry, never typed on a page
SEPARATOR = " · "
T = TypeVar("T")

_SECTION = r"§(?:\d{1,2}|[A-D])"
_ORIGINAL = re.compile(rf"^original \((?P<section>{_SECTION})\) — “(?P<text>[^”]+)”$")
_DERIVED = re.compile(rf"^derived \((?P<section>{_SECTION})\)(?: — (?P<text>\S.*))?$")
_ADDED = re.compile(r"^added — (?P<text>\S.*)$")
_ORIGINS: tuple[tuple[OriginKind, re.Pattern[str]], ...] = (
    ("original", _ORIGINAL),
    ("derived", _DERIVED),
    ("added", _ADDED),
)
_CODE_CHECK = re.compile(r"^(?P<label>\S+) `(?P<value>[^`]+)`$")
_REVIEWER = re.compile(r"^reviewer — (?P<value>\S.*)$")


class LineSyntaxError(ValueError):
    """An *Origin:* or *Checked by:* line breaks its grammar; `line` is where (1-based)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Origin:
    """original (§N, with the original's sentence), derived (from §N), or added (with why)."""

    kind: OriginKind
    section: str | None  # "§7", "§A"; None for an addition
    text: str | None  # the original's sentence, or the reason for an addition


@dataclass(frozen=True)
class Check:
    """One thing that checks a rule: a test, a ruff rule, a mypy setting, a CI step, ..."""

    kind: str  # test | ruff | mypy | ci | reviewer | audit
    value: str  # test id, ruff code, setting, step, audit check name, or what a reviewer reads

    @property
    def label(self) -> str:
        """How a page writes the kind (`CI` for ci)."""
        return next((label for label, kind in CHECK_KINDS.items() if kind == self.kind), self.kind)

    def markdown(self) -> str:
        """The check as a page writes it."""
        if self.kind == "reviewer":
            return f"reviewer — {self.value}"
        return f"{self.label} `{self.value}`"


def parse_origin(text: str) -> Origin:
    """The value of an *Origin:* line (the text after the prefix)."""
    for kind, pattern in _ORIGINS:
        match = pattern.match(text)
        if match:
            groups = match.groupdict()
            return Origin(kind, groups.get("section"), groups.get("text"))
    raise LineSyntaxError(
        f"{ORIGIN_PREFIX} must read `original (§N) — “sentence”`, `derived (§N)` or "
        f"`added — reason`, got {text!r}"
    )


def _split(text: str) -> list[str]:
    """The ` · `-separated items of a line, ignoring separators inside backticks."""
    items, current, in_code = [], "", False
    index = 0
    while index < len(text):
        if text[index] == "`":
            in_code = not in_code
        if not in_code and text.startswith(SEPARATOR, index):
            items.append(current)
            current, index = "", index + len(SEPARATOR)
            continue
        current += text[index]
        index += 1
    return [*items, current]


def parse_checks(text: str) -> tuple[Check, ...]:
    """The checks of a *Checked by:* line (the text after the prefix), in page order."""
    checks = []
    for item in _split(text):
        reviewer = _REVIEWER.match(item)
        if reviewer:
            checks.append(Check("reviewer", reviewer["value"]))
            continue
        code = _CODE_CHECK.match(item)
        if code is None:
            raise LineSyntaxError(
                f"{CHECKED_PREFIX} items read `kind `value`` or `reviewer — what to look at`, "
                f"separated by ` · `; got {item!r}"
            )
        if code["label"] == AUDIT:
            raise LineSyntaxError(
                "audit checks come from the audit tool's registry; do not type them on the page"
            )
        if code["label"] not in CHECK_KINDS:
            raise LineSyntaxError(
                f"unknown kind of check {code['label']!r} (known: {', '.join(CHECK_KINDS)})"
            )
        checks.append(Check(CHECK_KINDS[code["label"]], code["value"]))
    return tuple(checks)


def _paragraphs(body: list[str], first_line: int) -> list[tuple[int, str]]:
    """(first line, text on one line) of each paragraph of a rule's section; a fenced block
    counts as one paragraph."""
    found: list[tuple[int, list[str]]] = []
    in_fence, blank = False, True
    for number, line in enumerate(body, start=first_line):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not line.strip() and not in_fence:
            blank = True
            continue
        if blank:
            found.append((number, []))
            blank = False
        found[-1][1].append(line.strip() if found[-1][1] else line)
    return [(number, " ".join(text)) for number, text in found]


def provenance(
    body: list[str], first_line: int, tombstone: bool
) -> tuple[Origin | None, tuple[Check, ...]]:
    """The *Origin:* and *Checked by:* paragraphs right under a live rule's statement.

    `body` is the rule's section (guidebook.rules cuts it), `first_line` the 1-based page line
    of its first line. A tombstone keeps the *Origin:* of the rule it was (where it came from
    does not change when its content moves) and has no *Checked by:*: its checks are the
    canonical rule's.
    """
    paragraphs = _paragraphs(body, first_line)
    prefixes = (ORIGIN_PREFIX, CHECKED_PREFIX)
    typed = [(n, text) for n, text in paragraphs if text.startswith(prefixes)]
    if tombstone:
        kept = paragraphs[1:2]
        if not kept or not kept[0][1].startswith(ORIGIN_PREFIX) or len(typed) > 1:
            number = (typed[1:] or kept or paragraphs[:1] or [(first_line - 1, "")])[0][0]
            raise LineSyntaxError(
                f"a tombstone keeps one {ORIGIN_PREFIX} line, right under its MERGED or "
                f"RETIRED line, and has no {CHECKED_PREFIX} line",
                number,
            )
        origin_line, origin_text = kept[0]
        return _at(origin_line, parse_origin, origin_text.removeprefix(ORIGIN_PREFIX).strip()), ()
    found = paragraphs[1:3]
    for (number, text), prefix in zip(found, prefixes, strict=False):
        if not text.startswith(prefix):
            raise LineSyntaxError(
                f"the statement of a live rule is followed by an {ORIGIN_PREFIX} line, then a "
                f"{CHECKED_PREFIX} line; expected {prefix}, got {text[:60]!r}",
                number,
            )
    if len(found) < len(prefixes) or len(typed) > len(prefixes):
        number = (typed[2:] or found[-1:] or [(first_line - 1, "")])[0][0]
        raise LineSyntaxError(
            f"a live rule has one {ORIGIN_PREFIX} and one {CHECKED_PREFIX} line, right under "
            "its statement",
            number,
        )
    (origin_line, origin_text), (checks_line, checks_text) = found
    return (
        _at(origin_line, parse_origin, origin_text.removeprefix(ORIGIN_PREFIX).strip()),
        _at(checks_line, parse_checks, checks_text.removeprefix(CHECKED_PREFIX).strip()),
    )


def _at(line: int, parse: Callable[[str], T], text: str) -> T:
    """Parse one line's value; a grammar error says which line."""
    try:
        return parse(text)
    except LineSyntaxError as error:
        error.line = line
        raise
