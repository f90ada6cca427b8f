"""The guideline's own Do and Don't blocks, read from the rule pages' tabs (never hard-coded).

A rule's section runs from its `## ID · Title` heading to the next rule heading; inside it,
the includes indented under `=== "Do"` or `=== "Don't"` are that tab's blocks.
"""

import re
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
SNIPPETS = REPOSITORY / "snippets"
RULE_PAGES = REPOSITORY / "docs" / "rules"
_HEADING = re.compile(r"^## (?P<id>[A-Z][A-Z0-9]*-\d{3}) · ")
_TAB = re.compile(r'^=== "(?P<tab>[^"]+)"')
_INCLUDE = re.compile(r'--8<--\s+"(?P<target>[^"]+)"')


@dataclass(frozen=True)
class Block:
    """One included block of a rule's tab."""

    rule: str
    tab: str  # "Do" or "Don't"
    target: str  # demos/x.py:demo

    @property
    def path(self) -> Path:
        return SNIPPETS / self.target.split(":", 1)[0]

    @property
    def section(self) -> str | None:
        _, _, name = self.target.partition(":")
        return name or None

    def lines(self) -> range:
        """The lines of the file the reader sees (the named section, or the whole file)."""
        text = self.path.read_text(encoding="utf-8").splitlines()
        if self.section is None:
            return range(1, len(text) + 1)
        start = next(n for n, line in enumerate(text, 1) if f"[start:{self.section}]" in line)
        end = next(
            n for n, line in enumerate(text, 1) if n > start and f"[end:{self.section}]" in line
        )
        return range(start, end + 1)


def tab_blocks() -> list[Block]:
    """Every block in a Do or Don't tab of every rule page."""
    found: list[Block] = []
    for page in sorted(RULE_PAGES.glob("*.md")):
        rule = tab = None
        for line in page.read_text(encoding="utf-8").splitlines():
            if heading := _HEADING.match(line):
                rule, tab = heading["id"], None
            elif tabbed := _TAB.match(line):
                tab = tabbed["tab"]
            elif line.strip() and not line.startswith((" ", "\t")):
                tab = None  # a paragraph at the page's margin ends the tabs
            elif rule and tab in {"Do", "Don't"} and (include := _INCLUDE.search(line)):
                found.append(Block(rule, tab, include["target"]))
    return found
