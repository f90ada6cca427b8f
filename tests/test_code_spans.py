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
# code block: each must draw its text as the block does (the inherited properties) and paint
# no background of its own over the block's.
_STYLES = """() => {
  const code = document.querySelector(".highlight pre > code");
  const probes = ["n", "w"].map((name) => {
    const span = document.createElement("span");
    span.className = name;
    span.textContent = name === "n" ? "name" : "    ";
    code.append(span);
    return span;
  });
  const keys = ["color", "font-family", "font-size", "font-weight", "font-style",
    "text-decoration-line", "letter-spacing"];
  const style = (element) => {
    const computed = getComputedStyle(element);
    return keys.map((key) => computed.getPropertyValue(key)).join(" | ");
  };
  const background = (element) => getComputedStyle(element).backgroundColor;
  return [style(code), ...probes.map(style), ...probes.map(background)];
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
    """In both palettes a name or whitespace span looks exactly like the code around it: the
    spans the build removes changed nothing a reader could see."""
    goto_ready(page, f"{plain_url}/{RULE_PAGE}")
    block, name, space, *backgrounds = page.evaluate(_STYLES)
    assert name == block
    assert space == block
    assert backgrounds == ["rgba(0, 0, 0, 0)"] * 2
