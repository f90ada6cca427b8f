"""A rule page does not make a phone reader scroll through a long listing before the point.

Long code a reader may want (a whole class, a whole file) is folded into a collapsed block
under the part that makes the point; what stays open is short enough to read on a phone.
"""

from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import Build

# Lines of an open code block on a rule page; a longer one goes into a `??? example`.
MAX_OPEN_LINES = 80
# Not code: a directory tree is read at a glance, not line by line (STR-001's layout).
NOT_CODE = "language-text"


class OpenBlocks(HTMLParser):
    """The line counts of the code blocks outside any <details>, by their block's title."""

    def __init__(self) -> None:
        super().__init__()
        self.folded = 0  # depth of <details> around the current position
        self.language = ""
        self.title: list[str] = []
        self.in_title = False
        self.in_code = False
        self.text: list[str] = []
        self.blocks: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "details":
            self.folded += 1
        elif tag == "div" and "highlight" in classes:
            self.language = next((c for c in classes if c.startswith("language-")), "")
            self.title = []
        elif tag == "span" and "filename" in classes:
            self.in_title = True
        elif tag == "code" and self.language:
            self.in_code, self.text = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.folded -= 1
        elif tag == "span":
            self.in_title = False
        elif tag == "code" and self.in_code:
            self.in_code = False
            if not self.folded and self.language != NOT_CODE:
                lines = "".join(self.text).rstrip("\n").count("\n") + 1
                self.blocks.append(("".join(self.title) or self.language, lines))
            self.language = ""

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.in_code:
            self.text.append(data)


def open_blocks(page: Path) -> list[tuple[str, int]]:
    parser = OpenBlocks()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.blocks


def test_no_open_code_block_on_a_rule_page_is_longer_than_a_phone_can_take(
    site_build: Build,
) -> None:
    pages = sorted((site_build.site / "rules").glob("*/index.html"))
    assert len(pages) > 20  # every chapter was built and is read here
    seen = [(page.parent.name, block) for page in pages for block in open_blocks(page)]
    assert len(seen) > 300  # the parser finds the blocks: a changed markup fails here
    too_long = [
        f"{page}: {title} ({lines} lines)"
        for page, (title, lines) in seen
        if lines > MAX_OPEN_LINES
    ]
    assert not too_long, "fold these into a `??? example` below the point:\n" + "\n".join(too_long)


def test_a_folded_listing_is_still_on_the_page(site_build: Build) -> None:
    """Folding hides nothing from a copy: the whole Settings class is in CFG-002's page."""
    page = (site_build.site / "rules" / "configuration" / "index.html").read_text("utf-8")
    folded = page.split('id="cfg-002"', 1)[1].split('id="cfg-003"', 1)[0]
    assert "<details" in folded
    assert "password_hash_memory_kib" in folded
