"""Inline waivers: `# guideline: allow[ERR-005] reason`, on the finding's line or the line above.

A waiver names one or more rule IDs (or check names) and must give a reason; one without a
reason waives nothing and is reported. A check that cites two rules (ORDER-BY-INPUT: PAGE-003
and SEC-007) is waived under the rules the waiver names; the output says which it leaves. An ID
merged into another rule (BG-002 into EXT-006) stands for that rule, so a waiver written before
the merge still waives what it waived.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi_guideline.catalogue import canonical

WAIVER = re.compile(r"#\s*guideline:\s*allow\[(?P<ids>[^\]]*)\](?P<reason>[^#]*)")


@dataclass
class Waiver:
    """One waiver comment and whether a finding used it."""

    path: Path
    line: int  # the line the comment is on
    applies_to: int  # the line whose findings it waives
    ids: tuple[str, ...]
    reason: str
    used: bool = False

    @property
    def names(self) -> set[str]:
        """What it names: its IDs and check names, and the canonical rule of each merged ID."""
        return {*self.ids, *map(canonical, self.ids)}

    def covers(self, rule: str, check: str) -> bool:
        """Whether it names the rule or the check: a waiver covers only what it names."""
        return rule in self.names or check in self.ids


def read_waivers(path: Path, comments: dict[int, str], lines: list[str]) -> list[Waiver]:
    """The waivers of one file, from its comments (line -> comment text)."""
    found: list[Waiver] = []
    for line, comment in comments.items():
        match = WAIVER.search(comment)
        if match is None:
            continue
        ids = tuple(part.strip() for part in match["ids"].split(",") if part.strip())
        own_line = lines[line - 1].strip().startswith("#") if line <= len(lines) else False
        applies_to = line + 1 if own_line else line
        found.append(Waiver(path, line, applies_to, ids, match["reason"].strip(" -:—")))
    return found
