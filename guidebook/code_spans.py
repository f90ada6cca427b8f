"""Lighter code blocks: Pygments' spans that add no style are unwrapped.

Pygments wraps every name (`n`) and every run of whitespace (`w`) in a span of its own.
Material gives a name the code block's own colour (`--md-code-hl-name-color` is
`--md-code-fg-color`) and whitespace no style, so those spans change no computed style (only
where Chromium rounds a glyph's position, by under 0.2 px) and weigh on the page:
about a quarter of a rule page's elements, each one laid out and styled by the browser
(issue 15: Total Blocking Time). tests/test_code_spans.py holds the theme to that claim.
"""

import re

_CODE = re.compile(r"<code\b[^>]*>.*?</code>", re.DOTALL)
# A token span holds escaped text only: Pygments never nests tags inside one.
_PLAIN_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')


def unwrap_plain_tokens(html: str) -> str:
    """The page with the name and whitespace spans of its code elements replaced by their text."""
    return _CODE.sub(lambda code: _PLAIN_TOKEN.sub(r"\1", code[0]), html)
