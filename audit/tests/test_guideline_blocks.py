"""Every Don't of a rule the audit checks is found with that rule's ID; its Do is not.

The blocks come from the rule pages' tabs (tests/guideline.py), so a demo moved or added
there is picked up without editing this test.
"""

import contextlib
import io
import os
from functools import cache

import pytest
from conftest import EXAMPLE_ENVIRONMENT
from guideline import SNIPPETS, Block, tab_blocks

from fastapi_guideline.config import Options
from fastapi_guideline.registry import all_checks, rules_checked
from fastapi_guideline.runner import Finding, audit

CHECKED = rules_checked()
# Don'ts no check can see, each with the reason; the test fails when one of them is found
# after all (then it belongs in the checked set) or when the block leaves the page.
OUT_OF_REACH = {
    ("FMT-004", "demos/fmt_float_money.py:demo"): "float arithmetic printed, no money field",
    ("PAGE-001", "demos/page_unbounded_limit.py:demo"): "a plain function, not an endpoint",
    ("DEP-010", "demos/dep_unbounded_requirements.py:demo"): "a requirements list in a string",
    ("OBS-003", "demos/obs_unvalidated_request_id.py:demo"): "a log format, no middleware",
    ("API-001", "demos/api_leaky_response.py:demo"): "prints asdict() of a row, no route",
    ("SEC-008", "demos/sec_lenient_input.py:demo"): "a model validated by hand, not a body",
    ("TYP-003", "demos/dep_loose_tooling.py:demo"): "a pyproject in a string, not the project's",
    ("OBS-006", "demos/obs_secret_in_repr.py:demo"): "a model's repr printed, no logger call",
    ("API-004", "demos/aim_read_with_side_effect.py:demo"): "a plain function, not a route",
    ("CFG-001", "demos/ops_compose_secrets.yaml:demo"): "a compose file: the audit reads Python",
}
# Dos that show one part of a merged rule and miss another part the audit checks; the
# test fails when one is no longer flagged (then it leaves this list).
PARTIAL_DOS = {
    ("OBS-003", "demos/rid_pure_asgi.py:demo"): "shows pure ASGI middleware; no request ID",
}


def _kinds(rule: str) -> set[str]:
    checks = all_checks()
    return {checks[name].kind for name in CHECKED.get(rule, [])}


@cache
def findings_for(target: str, kinds: frozenset[str]) -> tuple[Finding, ...]:
    path = SNIPPETS / target.split(":", 1)[0]
    module = path.relative_to(SNIPPETS).with_suffix("").as_posix().replace("/", ".")
    is_python = path.suffix == ".py"
    options = Options(
        app=module if is_python and "app" in kinds else None,
        models=[module] if is_python and "model" in kinds else [],
    )
    os.environ.update(EXAMPLE_ENVIRONMENT)
    with contextlib.redirect_stdout(io.StringIO()):  # demos print their results
        result = audit(path, SNIPPETS, options)
    return tuple(result.findings)


def _in_block(block: Block) -> set[str]:
    lines = block.lines()
    relative = block.path.relative_to(SNIPPETS).as_posix()
    found = findings_for(block.target, frozenset(_kinds(block.rule)))
    return {f.rule for f in found if f.path == relative and f.line in lines}


DONTS = [b for b in tab_blocks() if b.tab == "Don't" and b.rule in CHECKED]
DOS = [b for b in tab_blocks() if b.tab == "Do" and b.rule in CHECKED]


def test_the_pages_have_blocks_for_the_checked_rules() -> None:
    assert len(DONTS) >= 40, len(DONTS)
    assert len(DOS) >= 40, len(DOS)


@pytest.mark.parametrize("block", DONTS, ids=[f"{b.rule}:{b.target}" for b in DONTS])
def test_every_dont_is_found(block: Block) -> None:
    found = block.rule in _in_block(block)
    if (block.rule, block.target) in OUT_OF_REACH:
        assert not found, f"{block.target} is found now: drop it from OUT_OF_REACH"
        return
    assert found, f"{block.rule} not found in {block.target}"


@pytest.mark.parametrize("block", DOS, ids=[f"{b.rule}:{b.target}" for b in DOS])
def test_no_do_is_flagged(block: Block) -> None:
    if block.path.suffix != ".py" or block.target.startswith("demos/"):
        flagged = block.rule in _in_block(block) if block.path.suffix == ".py" else False
    else:
        flagged = any(
            f.rule == block.rule and f.line in block.lines()
            for f in example_findings()
            if f.path == block.path.relative_to(SNIPPETS).as_posix()
        )
    if (block.rule, block.target) in PARTIAL_DOS:
        assert flagged, f"{block.target} is clean now: drop it from PARTIAL_DOS"
        return
    assert not flagged, f"{block.rule} flagged in its own Do {block.target}"


@cache
def example_findings() -> tuple[Finding, ...]:
    os.environ.update(EXAMPLE_ENVIRONMENT)
    options = Options(app="app.main:create_app", exclude=["demos"])
    return tuple(audit(SNIPPETS, SNIPPETS, options).findings)


def test_out_of_reach_blocks_are_still_on_the_pages() -> None:
    on_pages = {(b.rule, b.target) for b in DONTS}
    assert set(OUT_OF_REACH) <= on_pages, set(OUT_OF_REACH) - on_pages
