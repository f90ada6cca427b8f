"""The site as a reader uses it, in a real headless Chromium."""

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect, sync_playwright

from guidebook.paths import ROOT
from tests.browser import CHROMIUM_FLAGS, find_chromium, serve
from tests.conftest import Build

ARTIFACTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def base_url(site_build: Build) -> Iterator[str]:
    with serve(site_build.site) as url:
        yield url


class Watched:
    """A page plus everything it logged and requested."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", lambda request: self._request(request, origin))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Request, origin: str) -> None:
        url = urlsplit(request.url)
        if url.scheme in {"http", "https"} and f"{url.scheme}://{url.netloc}" != origin:
            self.foreign.append(request.url)


@pytest.fixture
def watched(base_url: str) -> Iterator[Watched]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch = Watched(page, base_url)
        yield watch
        browser.close()
    assert not watch.errors, f"console errors: {watch.errors}"
    assert not watch.foreign, f"requests to other hosts: {watch.foreign}"


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_home_page(watched: Watched, base_url: str) -> None:
    """The home page renders its title and navigation with no error and no third-party request."""
    page = watched.page
    page.goto(base_url + "/")
    expect(page.locator("h1").first).to_be_visible()
    expect(page.locator("nav.md-nav--primary")).to_contain_text("Errors and Exceptions")
    screenshot(page, "home")


def test_rule_permalink_lands_on_the_rule(watched: Watched, base_url: str) -> None:
    """Opening a rule's anchor shows that rule's heading in the viewport."""
    page = watched.page
    page.goto(base_url + "/rules/errors/#err-001")
    heading = page.locator("h2#err-001")
    expect(heading).to_contain_text("ERR-001")
    expect(heading).to_be_in_viewport()
    screenshot(page, "rule-page")


@pytest.mark.parametrize("query", ["ERR-001", "err-001"])
def test_search_by_id_finds_the_rule_first(watched: Watched, base_url: str, query: str) -> None:
    """Typing a rule ID into search offers that rule as the first result."""
    page = watched.page
    page.goto(base_url + "/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill(query)
    first = page.locator(".md-search-result__item").first
    expect(first).to_be_visible()
    # The first result is the rule's page; its first section link is the rule itself.
    section = first.locator("a.md-search-result__link").nth(1)
    expect(section).to_have_attribute("href", re.compile(r"/rules/errors/\?h=[^#]*#err-001$"))
    section.click()
    expect(page.locator("h2#err-001")).to_be_in_viewport()
    screenshot(page, f"search-{query}")
