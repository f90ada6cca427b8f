"""The customer's original guideline text, split into its sections."""

import re
from dataclasses import dataclass

from guidebook.paths import ROOT

SOURCE = ROOT / "tests" / "data" / "guideline-source.md"
_HEADING = re.compile(r"^(#{1,2}) (?P<title>.+)$")
_BULLET = re.compile(r"^\s*(?:[*-] (?:\[ \] )?)?")


@dataclass(frozen=True)
class Section:
    """A heading of the original and the prose lines under it (code samples left out)."""

    heading: str
    lines: tuple[str, ...]


def sections() -> list[Section]:
    """The original's sections in order; code samples are replaced by verified snippets."""
    found: list[Section] = []
    heading, in_code = "", False
    lines: list[str] = []
    for raw in SOURCE.read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("```"):
            in_code = not in_code
            continue
        match = _HEADING.match(raw)
        if match and not in_code:
            found.append(Section(heading, tuple(lines)))
            heading, lines = match["title"].strip(), []
            continue
        text = _BULLET.sub("", raw).strip().removeprefix("> ").strip()
        if not in_code and text and text != "---":
            lines.append(text)
    found.append(Section(heading, tuple(lines)))
    return [s for s in found if s.heading or s.lines]
