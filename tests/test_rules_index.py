"""The rules index: every rule in one table from the catalogue, filterable, whole without JS."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from guidebook.checked_by import audit_checks, checks, kinds
from guidebook.export import built_page
from guidebook.links import catalogue, page_path
from guidebook.rules import Rule
from guidebook.rules_index import PAGE, ordered, render
from tests.browser import open_tab

URL = page_path(PAGE)


@dataclass
class Row:
    """One body row of the index: its attributes, cell texts and link targets."""

    attrs: dict[str, str]
    cells: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Table(HTMLParser):
    """The header texts and the body rows of the index table."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[Row] = []
        self._cell: list[str] | None = None
        self._in_head = False
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in {"thead", "tbody"}:
            self._in_head, self._in_body = tag == "thead", tag == "tbody"
        elif tag == "tr" and self._in_body:
            self.rows.append(Row(attrs=values))
        elif tag in {"td", "th"}:
            self._cell = []
        elif tag == "a" and self._in_body:
            self.rows[-1].links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in {"thead", "tbody"}:
            self._in_head = self._in_body = False
        elif tag in {"td", "th"} and self._cell is not None:
            text = "".join(self._cell).strip()
            (self.headers if self._in_head else self.rows[-1].cells).append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(markup: str) -> _Table:
    parser = _Table()
    parser.feed(markup)
    return parser


def rule(rule_id: str, section: str, level: str = "MUST", title: str = "A title") -> Rule:
    return Rule(
        id=rule_id,
        title=title,
        level=level,
        statement="Statement.",
        anchor=rule_id.lower(),
        page="rules/x.md",
        section=section,
        line=1,
    )


# ---------------------------------------------------------------- rendering


def test_rows_follow_the_guideline_order_not_the_file_order() -> None:
    """Section 2 before 10, 10 before 27, appendices last; IDs in order within a section."""
    rules = [
        rule("AGT-001", "27. Agents"),
        rule("INJ-001", "A. Example Depends/DI"),
        rule("EXT-002", "10. Async"),
        rule("EXT-001", "10. Async"),
        rule("STR-001", "2. Project Structure"),
    ]
    assert [r.id for r in ordered(rules)] == ["STR-001", "EXT-001", "EXT-002", "AGT-001", "INJ-001"]


def test_a_row_links_the_short_link_and_the_rule() -> None:
    """ID -> /r/ID/ (relative to the page), title -> the rule's anchor; title Markdown renders."""
    parsed = table(render([rule("TYP-002", "26. Style", title="Do not add `from x import y`")]))
    (row,) = parsed.rows
    assert row.links == ["../r/TYP-002/", "../rules/x/#typ-002"]
    assert row.cells == ["TYP-002", "MUST", "Do not add from x import y", "26. Style", "active"]
    assert "<code>from x import y</code>" in render(
        [rule("TYP-002", "26. Style", title="`from x import y`")]
    )
    assert row.attrs == {
        "id": "index-typ-002",
        "data-level": "MUST",
        "data-section": "26. Style",
        "data-status": "active",
    }


def test_no_checked_by_column_without_data() -> None:
    """Without a mapping of checks, no column and no data attribute (rather than empty ones)."""
    parsed = table(render([rule("ERR-001", "7. Errors")]))
    assert parsed.headers == ["ID", "Level", "Title", "Section", "Status"]
    assert "data-check" not in render([rule("ERR-001", "7. Errors")])


def test_checked_by_column_when_the_data_exists() -> None:
    """Given check kinds, the column and the row attribute appear; a rule without any is empty."""
    rules = [rule("ERR-001", "7. Errors"), rule("ERR-002", "7. Errors")]
    parsed = table(render(rules, {"ERR-001": ["test", "ruff"]}))
    assert parsed.headers[-1] == "Checked by"
    assert [row.cells[-1] for row in parsed.rows] == ["test, ruff", ""]
    assert [row.attrs["data-check"] for row in parsed.rows] == ["test ruff", ""]


def test_retired_rules_say_so() -> None:
    """A tombstone shows status `retired` and no level."""
    (row,) = table(render([rule("ERR-009", "7. Errors", level="RETIRED")])).rows
    assert row.cells[1:5] == ["—", "A title", "7. Errors", "retired"]


def test_text_is_escaped() -> None:
    """A section name with markup characters cannot break the table."""
    markup = render([rule("ERR-001", '7. <Errors> & "quotes"')])
    assert "<Errors>" not in markup
    assert table(markup).rows[0].cells[3] == '7. <Errors> & "quotes"'


# ---------------------------------------------------------------- the built page


def test_built_page_lists_every_rule_of_the_catalogue(exported_site: Path) -> None:
    """One row per rule, in catalogue order of sections; each link resolves in the build."""
    parsed = table(built_page(exported_site, URL).read_text(encoding="utf-8"))
    rules = catalogue()
    assert [row.cells[0] for row in parsed.rows] == [r.id for r in ordered(rules)]
    assert parsed.headers[-1] == "Checked by"
    page_dir = exported_site / URL
    for row, known in zip(parsed.rows, ordered(rules), strict=True):
        short, target = row.links
        assert (page_dir / short / "index.html").resolve().is_file(), short
        path, _, anchor = str(target).partition("#")
        html = (page_dir / path / "index.html").resolve().read_text(encoding="utf-8")
        assert anchor == known.anchor
        assert f'id="{anchor}"' in html


def test_built_page_says_how_each_rule_is_checked(exported_site: Path) -> None:
    """The column and the filter attribute hold the kinds of the page's checks and the audit's."""
    parsed = table(built_page(exported_site, URL).read_text(encoding="utf-8"))
    audit = audit_checks()
    rules = {r.id: r for r in catalogue()}
    for row, known in zip(parsed.rows, ordered(rules.values()), strict=True):
        expected = kinds(checks(rules[known.id]))
        assert row.attrs["data-check"] == " ".join(expected), known.id
        assert row.cells[-1] == ", ".join(expected), known.id
        assert ("audit" in expected) == (known.id in audit), known.id
        assert bool(expected) != known.retired, known.id
    assert any("audit" in row.attrs["data-check"] for row in parsed.rows)


def test_the_index_is_not_a_second_search_hit(exported_site: Path) -> None:
    """The page is left out of the search index, so that a rule ID finds the rule's own page."""
    index = (exported_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert f'"location":"{URL}' not in index.replace(" ", "")


# ---------------------------------------------------------------- in Chromium


def visible_ids(page: Page) -> list[str]:
    """The IDs of the rows a reader sees, in order."""
    cells = page.locator("table.rules-index__table tbody tr:visible td.rule-id")
    return [text.strip() for text in cells.all_inner_texts()]


def test_filters_narrow_the_table_under_the_csp(browser: Browser, netlify_url: str) -> None:
    """Level, section and text filters show exactly the matching rules; the caption counts them."""
    published = {r.id: r for r in catalogue()}
    every = ordered(published.values())
    rules = [r for r in every if not r.retired]  # shown by default: the rules in force
    with open_tab(browser, netlify_url) as tab:
        page = tab.page
        page.goto(f"{netlify_url}/{URL}")
        form = page.locator("form.rules-index__filters")
        expect(form).to_be_visible()
        caption = page.locator("table.rules-index__table caption")
        expect(caption).to_contain_text(f"{len(rules)} rules in force")

        page.select_option("#rules-index-level", "SHOULD")
        expected = [r.id for r in rules if r.level == "SHOULD"]
        assert expected  # the catalogue has SHOULD rules: the filter has something to show
        assert visible_ids(page) == expected
        expect(caption).to_contain_text(f"{len(expected)} of {len(rules)} rules")

        page.select_option("#rules-index-level", "")
        section = next(r.section for r in rules if r.id.startswith("ERR-"))
        page.select_option("#rules-index-section", section)
        assert visible_ids(page) == [r.id for r in rules if r.section == section]

        page.select_option("#rules-index-section", "")
        page.fill("#rules-index-text", "err002")
        assert visible_ids(page) == ["ERR-002"]
        page.fill("#rules-index-text", "")
        assert len(visible_ids(page)) == len(rules)

        page.select_option("#rules-index-check", "audit")
        audited = [r.id for r in rules if "audit" in kinds(checks(published[r.id]))]
        assert audited  # the audit checks rules: the filter has something to show
        assert visible_ids(page) == audited
        expect(caption).to_contain_text(f"{len(audited)} of {len(rules)} rules")
        page.select_option("#rules-index-check", "reviewer")
        reviewed = [r.id for r in rules if "reviewer" in kinds(checks(published[r.id]))]
        assert visible_ids(page) == reviewed

        page.select_option("#rules-index-check", "")
        page.select_option("#rules-index-status", "merged")
        merged = [r.id for r in every if r.status == "merged"]
        assert merged  # the catalogue has merged IDs: the filter has something to show
        assert visible_ids(page) == merged
        expect(caption).to_contain_text(f"{len(merged)} merged IDs")
        page.select_option("#rules-index-status", "")
        assert len(visible_ids(page)) == len(every)
        expect(caption).to_contain_text(f"{len(every)} rules and IDs")
        assert not tab.csp_violations()


def test_without_javascript_the_whole_table_shows(browser: Browser, plain_url: str) -> None:
    """No script: no controls, every row visible."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{plain_url}/{URL}")
        assert page.locator("form.rules-index__filters").count() == 0
        assert len(visible_ids(page)) == len(catalogue())
    finally:
        context.close()
