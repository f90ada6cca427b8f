"""Code blocks lose only the Pygments spans that style nothing (guidebook/code_spans.py)."""

import re
from collections.abc import Iterator
from typing import cast

import pytest
from playwright.sync_api import Browser, Page

from guidebook.code_spans import unwrap_plain_tokens
from guidebook.export import built_page
from tests.browser import goto_ready
from tests.conftest import Build

RULE_PAGE = "rules/observability/"
_CODE = re.compile(r"<code\b[^>]*>.*?</code>", re.DOTALL)
_PLAIN_SPAN = re.compile(r'<span class="[nw]">')
_TOKEN_SPAN = re.compile(r'<span class="[a-z0-9]+">')
# A name and a run of whitespace as Pygments wrote them, put back into the page's first
# code block beside a span with no class (what the text is drawn as once unwrapped): all three
# must compute the same style, property for property, and add no generated content.
_STYLES = """() => {
  const code = document.querySelector(".highlight pre > code");
  const probes = ["", "n", "w"].map((name) => {
    const span = document.createElement("span");
    span.className = name;
    span.textContent = name === "w" ? "    " : "name";
    code.append(span);
    return span;
  });
  const style = (element, pseudo) => {
    const computed = getComputedStyle(element, pseudo);
    return Object.fromEntries([...computed].map((key) => [key, computed.getPropertyValue(key)]));
  };
  return probes.map((span) => ({
    style: style(span),
    before: getComputedStyle(span, "::before").content,
    after: getComputedStyle(span, "::after").content,
  }));
}"""


def test_names_and_whitespace_are_unwrapped_and_nothing_else() -> None:
    html = (
        '<p><span class="n">prose</span></p><pre><code><span class="hll">'
        '<span class="n">total</span><span class="w"> </span><span class="o">=</span>'
        '<span class="w"> </span><span class="mi">1</span></span>\n</code></pre>'
    )
    assert unwrap_plain_tokens(html) == (
        '<p><span class="n">prose</span></p><pre><code><span class="hll">'
        'total <span class="o">=</span> <span class="mi">1</span></span>\n</code></pre>'
    )


def test_built_code_keeps_its_highlighting_without_plain_spans(site_build: Build) -> None:
    """The rule page's code is still highlighted, with no name or whitespace span left."""
    html = built_page(site_build.site, RULE_PAGE).read_text(encoding="utf-8")
    blocks = _CODE.findall(html)
    assert len(blocks) > 20
    assert not [block for block in blocks if _PLAIN_SPAN.search(block)]
    assert sum(len(_TOKEN_SPAN.findall(block)) for block in blocks) > 1000


@pytest.fixture(params=["light", "dark"])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    scheme = cast("str", request.param)
    context = browser.new_context(color_scheme="dark" if scheme == "dark" else "light")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_theme_styles_names_and_whitespace_as_the_block(page: Page, plain_url: str) -> None:
    """In both palettes a name or whitespace span computes exactly the style of unstyled text in
    the block: the spans the build removes changed no style (Chromium may still place a glyph
    a fraction of a pixel apart, as each span starts an inline box of its own)."""
    goto_ready(page, f"{plain_url}/{RULE_PAGE}")
    plain, name, space = page.evaluate(_STYLES)
    assert len(plain["style"]) > 200
    for probe in (name, space):
        differ = {key for key in plain["style"] if probe["style"][key] != plain["style"][key]}
        assert not differ
        assert probe["before"] == probe["after"] == "none"
