"""Long pages as a reader meets them in Chromium: what loads, how tables break, what comes first."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from guidebook.links import catalogue, page_path
from guidebook.rules import section_order
from tests.browser import goto_ready, open_search, open_tab

SEARCH_INDEX = "/search/search_index.json"
PHONE = {"width": 390, "height": 844}
_CHAPTER = re.compile(r"^(?P<number>\d+|[A-D])\. ")
# Where a line broke inside an element: the characters either side of each break.
_BREAKS = """(el) => {
  const range = document.createRange();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); const chars = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    for (let i = 0; i < n.length; i++) { range.setStart(n, i); range.setEnd(n, i + 1);
      const r = range.getClientRects()[0]; if (r) chars.push([n.data[i], Math.round(r.top)]); }
  const breaks = [];
  for (let i = 1; i < chars.length; i++)
    if (chars[i][1] > chars[i - 1][1]) breaks.push(chars[i - 1][0] + chars[i][0]);
  return breaks;
}"""


@pytest.fixture
def page(browser: Browser, plain_url: str) -> Iterator[Page]:
    with open_tab(browser, plain_url) as tab:
        yield tab.page


@pytest.fixture
def phone(browser: Browser, plain_url: str) -> Iterator[Page]:
    with open_tab(browser, plain_url, width=PHONE["width"], height=PHONE["height"]) as tab:
        yield tab.page


# ---------------------------------------------------------------- what loads


def test_search_index_waits_for_the_reader(page: Page, plain_url: str) -> None:
    """A rule page loads without the search index; focusing search fetches it, and ERR-002
    is then the first result."""
    asked: list[str] = []

    def record(request: Request) -> None:
        asked.append(request.url)

    page.on("request", record)
    goto_ready(page, f"{plain_url}/{page_path('rules/errors.md')}")
    page.wait_for_timeout(500)
    assert not [url for url in asked if url.endswith(SEARCH_INDEX)], "index loaded up front"
    found = [link for link in open_search(page, "ERR-002") if link[1]]
    assert [url for url in asked if url.endswith(SEARCH_INDEX)], "index never loaded"
    assert found[0] == (f"/{page_path('rules/errors.md')}", "err-002")


def test_a_shared_search_link_loads_the_index_at_once(page: Page, plain_url: str) -> None:
    """`?q=` (a shared search) needs the index on arrival, not on a later click."""
    with page.expect_request(lambda request: request.url.endswith(SEARCH_INDEX)):
        page.goto(f"{plain_url}/?q=err-002")


# ---------------------------------------------------------------- how tables break


_WRAPPED_IDS = """() => [...document.querySelectorAll("article a")]
  .filter((a) => /^[A-Z][A-Z0-9]{1,4}-\\d{3}$/.test(a.textContent.trim()))
  .map((a) => [a.textContent.trim(), a.getClientRects().length])"""


@pytest.mark.parametrize("width", [390, 768, 1366])
def test_rule_ids_never_break_at_the_hyphen(
    browser: Browser,
    plain_url: str,
    width: int,
) -> None:
    """No `DEP-` / `002` split: every link that reads as a rule ID stays on one line, in the
    tables (evidence, errata) and in the running text of the summary pages."""
    docs = ["evidence.md", "errata.md", "checklist.md", "review.md", "defaults.md", "citing.md"]
    with open_tab(browser, plain_url, width=width, height=900) as tab:
        seen = 0
        for doc in docs:
            goto_ready(tab.page, f"{plain_url}/{page_path(doc)}")
            found = tab.page.evaluate(_WRAPPED_IDS)
            seen += len(found)
            wrapped = [rule_id for rule_id, lines in found if lines > 1]
            assert not wrapped, f"{width}px {doc}: {wrapped}"
        assert seen >= len(catalogue())


def test_media_types_break_only_at_slash_or_plus(phone: Page, plain_url: str) -> None:
    """`application/problem+json` in the HTTP API tables breaks after `/` or before `+`."""
    phone.goto(f"{plain_url}/{page_path('example/openapi.md')}")
    for details in phone.locator("article details").all():
        details.evaluate("el => { el.open = true; }")
    codes = phone.locator("article td code", has_text="application/problem+json")
    assert codes.count() > 10
    breaks = {pair for code in codes.all() for pair in code.evaluate(_BREAKS)}
    wrong = {pair for pair in breaks if pair[0] != "/" and pair[1] != "+"}
    assert not wrong, f"broke inside a word: {wrong}"


# ---------------------------------------------------------------- what comes first


def test_errors_page_shows_the_base_class_not_the_list(page: Page, plain_url: str) -> None:
    """ERR-002's first block is the base class alone; the rest is a link away."""
    page.goto(f"{plain_url}/{page_path('rules/errors.md')}#err-002")
    section = page.locator("h2#err-002 ~ .tabbed-set").first
    first = section.locator(".tabbed-block").first.locator("pre").first
    code = first.inner_text()
    assert "class AppError" in code
    assert "class BadRequestError" not in code
    assert code.count("\n") <= 25
    expect(section.locator("a[href*='app.core.exceptions']").first).to_be_attached()


def test_navigation_lists_chapters_in_the_guidelines_order(page: Page, plain_url: str) -> None:
    """The chapters of the primary navigation go 1, 2, ... 27, then A-D; B cites RFC 9457."""
    page.goto(f"{plain_url}/")
    links = page.locator("nav.md-nav--primary a.md-nav__link")
    texts = [str(text) for text in links.evaluate_all("els => els.map((a) => a.textContent)")]
    matches = [_CHAPTER.match(" ".join(text.split())) for text in texts]
    chapters = [match.string for match in matches if match]
    numbers = [match["number"] for match in matches if match]
    assert numbers == [*map(str, range(1, 28)), "A", "B", "C", "D"], numbers
    assert sorted(chapters, key=section_order) == chapters
    appendix_b = next(chapter for chapter in chapters if chapter.startswith("B. "))
    assert "RFC 9457" in appendix_b
    assert "7807" not in appendix_b


@pytest.mark.parametrize(("width", "layout"), [(1366, "row"), (390, "column")])
def test_home_cards_leave_no_empty_cell(
    browser: Browser,
    plain_url: str,
    width: int,
    layout: str,
) -> None:
    """The three reading paths sit in one row on a desktop and one column on a phone."""
    with open_tab(browser, plain_url, width=width, height=900) as tab:
        tab.page.goto(f"{plain_url}/")
        cards = tab.page.locator("article .grid.cards > ul > li")
        assert cards.count() == 3
        boxes = [card.bounding_box() for card in cards.all()]
        tops = {round(box["y"]) for box in boxes if box}
        lefts = {round(box["x"]) for box in boxes if box}
        assert (len(tops), len(lefts)) == ((1, 3) if layout == "row" else (3, 1)), boxes


def test_logo_is_a_picture_in_a_named_link(page: Page, plain_url: str) -> None:
    """The header logo is one link named after the site, with a decorative image inside."""
    page.goto(f"{plain_url}/")
    logo = page.locator("header a.md-logo")
    expect(logo).to_have_attribute("aria-label", "FastAPI Backend Guideline")
    expect(logo.locator("img")).to_have_attribute("alt", "")
