"""Every live rule says where it comes from and what checks it, in a grammar the parser enforces."""

from pathlib import Path

import pytest

from guidebook.guideline import sections
from guidebook.rule_lines import Check, LineSyntaxError, Origin, parse_checks, parse_origin
from guidebook.rules import Rule, RuleSyntaxError, load_rules, parse_page

STATEMENT = "**MUST** · Do the thing."
ORIGIN = "*Origin:* derived (§7)"
CHECKED = "*Checked by:* test `tests/proofs/test_x.py::test_y`"


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return load_rules()


def page(tmp_path: Path, *body: str, level: str = STATEMENT) -> Path:
    """A one-rule page under tmp_path/rules/ whose section holds `body` paragraphs."""
    path = tmp_path / "rules" / "errors.md"
    path.parent.mkdir(exist_ok=True)
    paragraphs = ["# 7. Errors", "## ERR-001 · A title { #err-001 }", level, *body, "**Why.** x"]
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def parse(path: Path) -> list[Rule]:
    return parse_page(path, path.parent.parent)


# ---------------------------------------------------------------- the grammar


def test_origin_kinds() -> None:
    """original carries its section and sentence, derived its section, added its reason."""
    assert parse_origin("original (§7) — “Never return stack traces.”") == Origin(
        "original", "§7", "Never return stack traces."
    )
    assert parse_origin("derived (§A)") == Origin("derived", "§A", None)
    assert parse_origin("derived (§14) — with the request ID") == Origin(
        "derived", "§14", "with the request ID"
    )
    assert parse_origin("added — the original is silent") == Origin(
        "added", None, "the original is silent"
    )


@pytest.mark.parametrize(
    "text",
    [
        "original (§7)",  # no sentence
        "original (§7) — Never return stack traces.",  # not quoted
        "derived (7)",  # no §
        "derived (§E)",  # the original has appendices A to D
        "added",  # no reason
        "invented (§1)",
    ],
)
def test_malformed_origins_are_refused(text: str) -> None:
    with pytest.raises(LineSyntaxError):
        parse_origin(text)


def test_checks_in_page_order_with_their_kinds() -> None:
    """Items split on ` · ` outside backticks; CI is the kind `ci`; a reviewer item is prose."""
    line = (
        "test `tests/a.py::test_b` · ruff `S608` · mypy `strict = true` · CI `ruff format --check`"
        " · reviewer — `a · b` is not split; nor is this"
    )
    assert parse_checks(line) == (
        Check("test", "tests/a.py::test_b"),
        Check("ruff", "S608"),
        Check("mypy", "strict = true"),
        Check("ci", "ruff format --check"),
        Check("reviewer", "`a · b` is not split; nor is this"),
    )
    assert " · ".join(check.markdown() for check in parse_checks(line)) == line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pylint `W0611`", "unknown kind of check 'pylint'"),
        ("Ruff `S608`", "unknown kind of check 'Ruff'"),
        ("audit `BLOCKING-SLEEP`", "come from the audit tool's registry"),
        ("ruff S608", "items read"),
        ("test `a` ·", "items read"),
        ("reviewer", "items read"),
    ],
)
def test_malformed_checks_are_refused(text: str, message: str) -> None:
    with pytest.raises(LineSyntaxError, match=message):
        parse_checks(text)


# ---------------------------------------------------------------- on a page


def test_a_live_rule_carries_both_lines(tmp_path: Path) -> None:
    (rule,) = parse(page(tmp_path, ORIGIN, CHECKED))
    assert rule.origin == Origin("derived", "§7", None)
    assert rule.checked_by == (Check("test", "tests/proofs/test_x.py::test_y"),)


def test_a_wrapped_line_is_one_paragraph(tmp_path: Path) -> None:
    (rule,) = parse(page(tmp_path, ORIGIN, CHECKED + " ·\nreviewer — what to\nlook at"))
    assert rule.checked_by[-1] == Check("reviewer", "what to look at")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ((CHECKED,), 7, "expected \\*Origin:\\*"),  # no Origin
        ((ORIGIN,), 9, "expected \\*Checked by:\\*"),  # no Checked by
        ((CHECKED, ORIGIN), 7, "expected \\*Origin:\\*"),  # the wrong order
        ((ORIGIN, "Some prose.", CHECKED), 9, "expected \\*Checked by:\\*"),  # not right under
        ((ORIGIN, CHECKED, CHECKED), 11, "one \\*Origin:\\* and one"),  # twice
        ((ORIGIN, "*Checked by:* pylint `W0611`"), 9, "unknown kind of check 'pylint'"),
        (("*Origin:* derived", CHECKED), 7, "must read"),
    ],
)
def test_a_live_rule_without_its_lines_is_an_error_naming_page_and_line(
    tmp_path: Path, body: tuple[str, ...], line: int, message: str
) -> None:
    with pytest.raises(RuleSyntaxError, match=rf"^rules/errors\.md:{line}: .*{message}"):
        parse(page(tmp_path, *body))


def test_a_tombstone_keeps_its_origin_and_has_no_checks(tmp_path: Path) -> None:
    merged = "**MERGED** · into [ERR-002](#err-002): moved."
    (rule,) = parse(page(tmp_path, ORIGIN, level=merged))
    assert rule.origin is not None
    assert (rule.origin.kind, rule.origin.section, rule.checked_by) == ("derived", "§7", ())


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ((), 7),  # no origin: the paragraph after the MERGED line is the Why
        ((CHECKED,), 7),  # a check instead of the origin
        ((ORIGIN, CHECKED), 9),  # checks are the canonical rule's
    ],
)
def test_a_tombstone_without_its_origin_or_with_checks_is_an_error(
    tmp_path: Path, body: tuple[str, ...], line: int
) -> None:
    merged = "**MERGED** · into [ERR-002](#err-002): moved."
    with pytest.raises(RuleSyntaxError, match=rf"^rules/errors\.md:{line}: a tombstone keeps one"):
        parse(page(tmp_path, *body, level=merged))


# ---------------------------------------------------------------- the catalogue


def test_every_rule_has_an_origin_and_every_live_rule_a_check(rules: list[Rule]) -> None:
    live = [r for r in rules if not r.retired]
    assert len(live) > 100
    assert all(r.origin is not None and r.checked_by for r in live)
    assert all(r.origin is not None and not r.checked_by for r in rules if r.retired)


def test_original_sentences_are_the_originals_words_in_that_section(rules: list[Rule]) -> None:
    """An `original (§N) — “…”` quotes the original's §N word for word; a §N exists."""
    text = {s.heading.split(".", 1)[0]: " ".join(s.lines) for s in sections()}
    quoted = [r for r in rules if r.origin and r.origin.kind == "original"]
    assert quoted
    misquoted = [
        f"{r.id} {r.origin.section}: {r.origin.text}"
        for r in quoted
        if r.origin and (r.origin.text or "") not in text.get((r.origin.section or "")[1:], "")
    ]
    assert not misquoted, "\n".join(misquoted)
    sections_named = {r.origin.section for r in rules if r.origin and r.origin.section}
    assert not {s for s in sections_named if s[1:] not in text}
