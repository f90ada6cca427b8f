"""The log scrubber under hostile text: linear patterns, bounded input, no leaks."""

# re._parser is what re.compile runs (CPython 3.11+): it shows how a pattern runs.
import json
import logging
import re
import re._constants as re_constants  # type: ignore[import-not-found]  # no stubs
import re._parser as re_parser  # type: ignore[import-not-found]  # CPython internal
from collections.abc import Iterator

import pytest

from app.core import logging as app_logging
from app.core.logging import MASK, MAX_SCRUBBED_CHARS, JsonFormatter, scrub

BACKTRACKING = {re_constants.MAX_REPEAT, re_constants.MIN_REPEAT}
OPCODE = type(re_constants.MAX_REPEAT)  # sre's named integer constants


def opcodes(node: object) -> Iterator[object]:
    """Every opcode of a parsed pattern, nested groups and branches included."""
    if isinstance(node, re_parser.SubPattern):
        node = node.data
    if isinstance(node, tuple) and len(node) == 2 and isinstance(node[0], OPCODE):
        yield node[0]
        node = node[1]
    if isinstance(node, tuple | list):
        for item in node:
            yield from opcodes(item)


def test_the_pattern_never_backtracks_into_a_repeat() -> None:
    """Every quantifier is possessive, so no input can make a match attempt retry."""
    found = list(opcodes(re_parser.parse(app_logging._IN_TEXT.pattern)))

    assert re_constants.POSSESSIVE_REPEAT in found, "no repeats: nothing checked"
    assert not [op for op in found if op in BACKTRACKING], found


def test_no_branch_starts_with_a_repeat() -> None:
    """A branch that opens with `x+` would try every position of a long run."""
    (branch, (_, alternatives)), *_ = re_parser.parse(app_logging._IN_TEXT.pattern)
    first_opcodes = [alternative[0][0] for alternative in alternatives]

    assert branch == re_constants.BRANCH
    assert len(first_opcodes) == 4, first_opcodes
    assert not {re_constants.POSSESSIVE_REPEAT, *BACKTRACKING} & set(first_opcodes)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 70_000,  # a local part that never meets an `@`
        "a." * 35_000,  # a dotted run
        "@" * 70_000,
        "a@" * 35_000,  # `@` after `@`: never a domain with a dot
        "eyJ" * 23_000,  # JWT prefixes, no dots
        "bearer " * 10_000,
        "password=" * 8_000,
        "x@" + "a." * 35_000,  # an address whose domain never ends
    ],
    ids=["letters", "dotted", "at-signs", "a-at", "jwt", "bearer", "keys", "domain"],
)
def test_hostile_text_is_cut_at_the_cap(text: str) -> None:
    """Whatever the text, at most MAX_SCRUBBED_CHARS of it reach the log line."""
    scrubbed = scrub(text)

    assert len(scrubbed) <= MAX_SCRUBBED_CHARS + 40, len(scrubbed)
    assert scrubbed.endswith(f"[cut from {len(text)} characters]")


def test_near_misses_are_left_as_they_are() -> None:
    """Runs that only look like addresses or tokens are not masked."""
    text = "a" * 500 + " " + "a." * 200 + " " + "a@" * 100 + " eyJ" * 50

    assert scrub(text) == text


def test_an_address_after_a_long_run_is_still_masked() -> None:
    """Linear does not mean sloppy: the address at the end is found."""
    text = "a" * 5_000 + " mail ada@example.com now"

    assert scrub(text) == "a" * 5_000 + f" mail {MASK} now"


@pytest.mark.parametrize(
    "secret",
    ["ada@example.com", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl"],
)
def test_a_secret_across_the_cut_is_masked_not_halved(secret: str) -> None:
    """The cut falls inside the address or token: none of it is written."""
    text = "x" * (MAX_SCRUBBED_CHARS - 5) + " " + secret + " tail"

    scrubbed = scrub(text)

    assert secret[:4] not in scrubbed, scrubbed[-80:]
    assert re.search(r"\[cut from \d+ characters\]$", scrubbed)


def test_short_text_is_not_cut() -> None:
    """Text under the cap comes back whole, with nothing appended."""
    text = "x" * (MAX_SCRUBBED_CHARS - 1)

    assert scrub(text) == text


def test_an_access_line_for_a_huge_url_stays_small() -> None:
    """The path and query of a 70 KB URL are cut before they reach the line."""
    record = logging.LogRecord(
        "app.access", logging.INFO, __file__, 1, "request", (), None
    )
    record.__dict__.update(path="/" + "a" * 70_000, query="q=" + "a@" * 35_000)

    line = JsonFormatter().format(record)

    assert len(line) < 3 * MAX_SCRUBBED_CHARS, len(line)
    assert json.loads(line)["path"].endswith("[cut from 70001 characters]")
