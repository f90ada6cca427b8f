"""The example's API contract: /openapi.json from the app, and the HTTP API page rendering it."""

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, expect

from guidebook.export import built_page
from guidebook.links import page_path
from guidebook.openapi import (
    document,
    media_type,
    operations,
    render,
    schema_anchor,
    status_order,
    type_of,
)
from tests.browser import open_tab

PAGE = page_path("example/openapi.md")


class _Headings(HTMLParser):
    """The text of every h2/h3 with an id, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id")
        if tag in {"h2", "h3"} and anchor:
            self._open = anchor
            self.text[anchor] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h2", "h3"}:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.text[self._open] += data


@pytest.fixture(scope="module")
def published(exported_site: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((exported_site / "openapi.json").read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def headings(exported_site: Path) -> dict[str, str]:
    parser = _Headings()
    parser.feed(built_page(exported_site, PAGE).read_text(encoding="utf-8"))
    return {anchor: " ".join(text.replace("¶", "").split()) for anchor, text in parser.text.items()}


def test_openapi_json_is_what_the_app_generates(published: dict[str, Any]) -> None:
    """/openapi.json equals `create_app(...).openapi()` of the example app, asked again now."""
    assert published["openapi"].startswith("3.")
    assert published["info"]["title"]
    assert published == document()


def test_page_lists_every_operation(published: dict[str, Any], headings: dict[str, str]) -> None:
    """Each operation of openapi.json has a heading with its method, path and summary."""
    ops = operations(published)
    assert len(ops) >= 10
    for op in ops:
        assert op.anchor in headings, f"no section for {op.method} {op.path}"
        text = headings[op.anchor]
        assert text.startswith(f"{op.method} {op.path}"), text
        assert op.summary in text


def test_page_documents_every_schema(published: dict[str, Any], headings: dict[str, str]) -> None:
    """Each component schema has its own section, the target of the type links."""
    for name in published["components"]["schemas"]:
        assert schema_anchor(name) in headings, name


def test_page_shows_parameters_bodies_and_responses(
    exported_site: Path, published: dict[str, Any]
) -> None:
    """Every response status of every operation is in the page's tables, with its body type."""
    html = built_page(exported_site, PAGE).read_text(encoding="utf-8")
    sections = re.split(r'<h3 id="', html)
    by_anchor = {part.split('"', 1)[0]: part for part in sections[1:]}
    for op in operations(published):
        section = by_anchor[op.anchor]
        for status in op.spec["responses"]:
            assert f"<td><code>{status}</code></td>" in section, (op.anchor, status)
        for parameter in op.spec.get("parameters", []):
            assert f"<td><code>{parameter['name']}</code></td>" in section, op.anchor
        if "requestBody" in op.spec:
            assert "Request body" in section, op.anchor


def test_responses_are_in_status_order_and_folded(
    exported_site: Path, published: dict[str, Any]
) -> None:
    """Each operation folds its tables into one <details> whose summary lists the statuses in
    numeric order, and the response table lists them in that order too."""
    html = built_page(exported_site, PAGE).read_text(encoding="utf-8")
    by_anchor = {part.split('"', 1)[0]: part for part in re.split(r'<h3 id="', html)[1:]}
    for op in operations(published):
        section = by_anchor[op.anchor]
        expected = sorted(op.spec["responses"], key=status_order)
        assert expected == sorted(expected, key=int), expected  # numeric, not document order
        shown = re.findall(r"<td><code>(\d{3})</code></td>", section)
        assert shown == expected, (op.anchor, shown)
        summary = re.search(r"<details[^>]*>\s*<summary>(?P<text>.*?)</summary>", section, re.S)
        assert summary is not None, f"{op.anchor}: not folded"
        assert summary["text"].endswith(": " + ", ".join(expected)), summary["text"]


def test_status_order_and_media_type_breaks() -> None:
    """Codes sort numerically, `4XX` after the 4xx codes, `default` last; a media type may
    break after its slash and before its plus only."""
    statuses = ["default", "422", "4XX", "200", "404", "500", "2XX"]
    assert sorted(statuses, key=status_order) == [
        "200",
        "2XX",
        "404",
        "422",
        "4XX",
        "500",
        "default",
    ]
    assert media_type("application/problem+json") == (
        "<code>application/<wbr>problem<wbr>+json</code>"
    )
    assert media_type("a|b/c") == "<code>a&#124;b/<wbr>c</code>"


def test_page_uses_no_script_of_its_own(exported_site: Path) -> None:
    """The reference is plain HTML: the page loads no script the other pages do not load."""
    page = built_page(exported_site, PAGE).read_text(encoding="utf-8")
    other = built_page(exported_site, page_path("example/index.md")).read_text(encoding="utf-8")
    scripts = re.compile(r'<script[^>]*\bsrc="([^"]+)"')
    strip = re.compile(r"^(\.\./)+")
    assert {strip.sub("", s) for s in scripts.findall(page)} == {
        strip.sub("", s) for s in scripts.findall(other)
    }


def test_type_of_links_refs_and_spells_unions() -> None:
    """`$ref` becomes a link to the schema's section; anyOf reads `X or null`; arrays say so."""
    ref = {"$ref": "#/components/schemas/TaskRead"}
    assert type_of(ref) == "[TaskRead](#schema-taskread)"
    assert type_of({"anyOf": [ref, {"type": "null"}]}) == "[TaskRead](#schema-taskread) or null"
    assert type_of({"type": "array", "items": ref}) == "array of [TaskRead](#schema-taskread)"
    assert type_of({"type": "string", "format": "uuid"}) == "string (uuid)"
    assert type_of({"enum": ["a", "b|c"]}) == 'one of <code>"a"</code>, <code>"b&#124;c"</code>'


def test_render_of_a_minimal_document() -> None:
    """A one-operation document renders its heading, parameter table and response table."""
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/items/{item_id}": {
                "get": {
                    "operationId": "get_item",
                    "summary": "Get an item",
                    "tags": ["items"],
                    "parameters": [
                        {"name": "item_id", "in": "path", "required": True, "schema": {}}
                    ],
                    "responses": {"200": {"description": "OK"}},
                }
            }
        },
    }
    text = render(doc)
    assert "### `GET` `/items/{item_id}` · Get an item { #op-get-item }" in text
    assert "| <code>item_id</code> | path | any | yes |  |" in text
    assert "| <code>200</code> | OK | no body |" in text


# ---------------------------------------------------------------- in Chromium


def test_page_renders_in_chromium_under_the_csp(
    browser: Browser, netlify_url: str, published: dict[str, Any]
) -> None:
    """Under netlify.toml's headers: every operation shows, no console error, no other host."""
    url = netlify_url
    with open_tab(browser, url) as tab:
        page = tab.page
        response = page.goto(f"{url}/{PAGE}")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        headings = page.locator("article h3[id^='op-']")
        expect(headings).to_have_count(len(operations(published)))
        for op in operations(published):
            expect(page.locator(f"h3#{op.anchor}")).to_contain_text(op.path)
        # A reader opens an operation's tables first: they are folded under its summary.
        folded = page.locator("article details:has(td a[href*='#schema-'])").first
        folded.locator("summary").click()
        link = folded.locator("td a[href*='#schema-']").first  # made absolute by Material
        target = (link.get_attribute("href") or "").partition("#")[2]
        link.click()
        expect(page.locator(f"h3#{target}")).to_be_in_viewport()
        download = page.locator("article a[href$='openapi.json']")
        fetched = page.request.get(urljoin(page.url, download.get_attribute("href") or ""))
        assert fetched.ok
        assert fetched.json() == published
        assert not tab.csp_violations()


def test_a_pattern_is_shown_as_written(exported_site: Path, published: dict[str, Any]) -> None:
    """Markdown reads inside the cells' `<code>`: the title's pattern (two bracket
    groups, two stars) once became a broken reference link and an emphasis."""
    create = published["components"]["schemas"]["TaskCreate"]["properties"]["title"]
    page = built_page(exported_site, PAGE).read_text(encoding="utf-8")
    shown = {
        unescape(re.sub(r"<[^>]+>", "", code)) for code in re.findall(r"<code>(.*?)</code>", page)
    }
    assert create["pattern"].count("[") >= 2
    assert create["pattern"] in shown
