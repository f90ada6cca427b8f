"""The site's browser helpers: one loopback server for the built site, Chromium, tabs, search.

The fixtures that use them (one Chromium, one plain and one Netlify-like server per run) are in
tests/conftest.py; the test modules import only these helpers, never each other.
"""

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Request, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from guidebook.browser import CHROMIUM_FLAGS, find_chromium
from guidebook.netlify import Redirect, headers_for, read_redirects, resolve

_RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


# ---------------------------------------------------------------- servers


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the files of a folder, like `make serve` or any static host."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Keep the test output readable."""


class _NetlifyHandler(_QuietHandler):
    """Serves a built site the way Netlify would: netlify.toml headers, forced _redirects."""

    redirects: tuple[Redirect, ...] = ()

    def do_GET(self) -> None:
        """Answer a forced redirect rule with its status and Location, else serve the file."""
        hit = resolve(list(self.redirects), urlsplit(self.path).path)
        if hit is not None and hit.force:
            self.send_response(hit.status)
            self.send_header("Location", hit.target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def end_headers(self) -> None:
        """Add every header netlify.toml sets on the requested path."""
        for name, value in headers_for(urlsplit(self.path).path).items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def serve(directory: Path, *, netlify: bool = False) -> Iterator[str]:
    """Serve a folder on a free loopback port for as long as the block runs.

    `netlify=True`: with netlify.toml's headers and the folder's _redirects' forced redirects.
    """
    handler_class: type[_QuietHandler] = _QuietHandler
    if netlify:
        redirects = tuple(read_redirects((directory / "_redirects").read_text("utf-8")))
        handler_class = type("Handler", (_NetlifyHandler,), {"redirects": redirects})
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- Chromium


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (which downloads nothing here)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """A page in a fresh context, with everything it logged and requested."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in {"http", "https"} and f"{url.scheme}://{url.netloc}" != self.origin:
            self.foreign.append(request.url)

    def clipboard(self) -> str:
        text = self.page.evaluate("navigator.clipboard.readText()")
        assert isinstance(text, str)
        return text

    def csp_violations(self) -> list[str]:
        found = self.page.evaluate("window.__cspViolations || []")
        assert isinstance(found, list)
        return [str(v) for v in found]


@contextmanager
def open_tab(browser: Browser, origin: str, width: int = 1280, height: int = 900) -> Iterator[Tab]:
    """A fresh context (own storage, clipboard access) that must log no error."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="light")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    context.add_init_script(_RECORD_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Tab(page, origin)
    try:
        yield tab
    finally:
        context.close()
    assert not tab.errors, f"console errors: {tab.errors}"
    assert not tab.foreign, f"requests to other hosts: {tab.foreign}"


def goto_ready(page: Page, url: str, timeout_ms: int = 10_000) -> None:
    """Open a page and wait until the site's script (docs/javascripts/rules.js) has set it up.

    What axe and the layout tests check (landmark names, focusable wide tables, unbreakable
    rule IDs) is that script's work, and on a loaded CPU even `networkidle` can come before
    any script has run, so the wait is for the mark itself (rules.js sets it once Material has
    set the page up), after the `load` event. A script error thrown meanwhile is named in the
    failure; a page that never loads fails as such.
    """
    errors: list[str] = []

    def record(error: Error) -> None:
        errors.append(str(error))

    page.on("pageerror", record)
    try:
        try:
            page.goto(url, wait_until="load")  # Playwright's 30 s: a loaded CI is slow
        except PlaywrightTimeoutError:
            pytest.fail(f"{url}: the page never fired its load event {errors}")
        page.wait_for_function(
            "(path) => document.documentElement.dataset.guidelineReady === path",
            arg=urlsplit(page.url).path,
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"{url}: docs/javascripts/rules.js never marked the page as set up {errors}")
    finally:
        page.remove_listener("pageerror", record)


# ---------------------------------------------------------------- search


def _settled_results(page: Page) -> list[tuple[str, str]]:
    """The result links once two readings 300 ms apart agree (results render as keys arrive)."""
    links = page.locator(".md-search-result__list > li a")
    previous: list[tuple[str, str]] = []
    for _ in range(20):
        raw = links.evaluate_all("links => links.map((a) => a.getAttribute('href') || '')")
        hrefs = [urlsplit(str(h)) for h in raw]
        current = [(href.path, href.fragment) for href in hrefs]
        if current and current == previous:
            return current
        previous = current
        page.wait_for_timeout(300)
    return previous


def open_search(page: Page, query: str) -> list[tuple[str, str]]:
    """Type a query; return (path, anchor) of each result link, in the order shown.

    Retyped while the search worker is still building its index, which drops earlier input.
    """
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__list > li a")
    for _ in range(20):
        search.fill(query[:-1])  # fill() alone does not render the result list...
        search.press(query[-1])  # ...a real key press does, for the whole query at once
        try:
            results.first.wait_for(state="attached", timeout=1000)
        except PlaywrightTimeoutError:
            continue
        return _settled_results(page)
    pytest.fail(f"search gave no result for {query!r}")
