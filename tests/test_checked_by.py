"""What a rule's *Checked by* line names exists: tests, ruff rules, mypy settings, CI steps.

And the audit tool's checks come from its registry into the built pages, never from a page.
"""

import ast
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path

import yaml

from guidebook import ruff_page
from guidebook.checked_by import (
    AUDIT_ANCHOR,
    AUDIT_PAGE,
    KIND_ORDER,
    audit_checks,
    checks,
    kinds,
    ruff_names,
    ruff_rules,
)
from guidebook.export import built_page, h2_ids
from guidebook.links import page_path
from guidebook.markdown_checks import add_audit_checks
from guidebook.paths import SNIPPETS
from guidebook.rule_lines import AUDIT, CHECK_KINDS, Check
from guidebook.rules import Rule
from tests.conftest import Build

CI_WORKFLOW = SNIPPETS / ".github" / "workflows" / "ci.yml"


def typed(rules: list[Rule], kind: str) -> list[tuple[str, str]]:
    """(rule ID, value) of every check of one kind typed on the pages."""
    found = [(r.id, c.value) for r in rules for c in r.checked_by if c.kind == kind]
    assert found, f"no {kind} check on any page: the test would prove nothing"
    return found


# ---------------------------------------------------------------- tests


def functions_of(path: Path) -> set[str]:
    """`name` and `Class::name` of every test function of a test module (parsed, not grepped)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        scopes = [(node, "")]
        if isinstance(node, ast.ClassDef):
            scopes = [(child, f"{node.name}::") for child in node.body]
        found.update(
            prefix + item.name
            for item, prefix in scopes
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            and item.name.startswith("test")
        )
    return found


def missing_tests(checked: list[tuple[str, str]], root: Path = SNIPPETS) -> list[str]:
    """The `test` checks whose module or function does not exist under `root`."""
    missing = []
    for rule_id, value in checked:
        module, _, function = value.partition("::")
        path = root / module
        if not module.startswith("tests/") or not path.is_file():
            missing.append(f"{rule_id}: {value}: no test module {module}")
        elif function not in functions_of(path):
            missing.append(f"{rule_id}: {value}: {module} has no test function {function}")
    return missing


def test_every_test_check_names_a_test_function_of_the_example(rules: list[Rule]) -> None:
    missing = missing_tests(typed(rules, "test"))
    assert not missing, "\n".join(missing)


def test_a_renamed_test_is_caught(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text(
        "def test_one() -> None: ...\nclass TestB:\n    async def test_two(self) -> None: ...\n"
        "def helper() -> None: ...\n",
        encoding="utf-8",
    )
    checked = [
        ("X-001", "tests/test_a.py::test_one"),
        ("X-001", "tests/test_a.py::TestB::test_two"),
        ("X-002", "tests/test_a.py::test_gone"),
        ("X-003", "tests/test_a.py::helper"),
        ("X-004", "tests/test_b.py::test_one"),
    ]
    assert [line.split(":")[0] for line in missing_tests(checked, tmp_path)] == [
        "X-002",
        "X-003",
        "X-004",
    ]


# ---------------------------------------------------------------- ruff


def ruff_prefixes() -> set[str]:
    """The selectors of whole linters (`S`, `ASYNC`)."""
    done = subprocess.run(
        [Path(sys.executable).parent / "ruff", "linter", "--output-format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {linter["prefix"] for linter in json.loads(done.stdout) if linter["prefix"]}


def test_every_ruff_code_is_a_rule_ruff_knows(rules: list[Rule]) -> None:
    """A code is a rule of this ruff that is not removed, or a linter's prefix."""
    known = {code for code, rule in ruff_rules().items() if "Removed" not in rule["status"]}
    assert "BLE001" in known
    prefixes = ruff_prefixes()
    unknown = [f"{i}: {code}" for i, code in typed(rules, "ruff") if code not in known | prefixes]
    assert not unknown, "\n".join(unknown)


def enabled_ruff_codes(project: Path = SNIPPETS) -> set[str]:
    """The rule codes the example's ruff configuration turns on."""
    done = subprocess.run(
        [Path(sys.executable).parent / "ruff", "check", "--show-settings", "app/main.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    block = re.search(r"^linter\.rules\.enabled = \[\n(?P<body>.*?)^\]", done.stdout, re.M | re.S)
    assert block, "ruff --show-settings no longer lists linter.rules.enabled"
    return set(re.findall(r"\((?P<code>[A-Z]+[0-9]+)\),$", block["body"], re.M))


def test_every_ruff_rule_named_is_on_in_the_example(rules: list[Rule]) -> None:
    """A rule that says ruff checks it names a ruff rule the example's configuration runs."""
    enabled = enabled_ruff_codes()
    assert len(enabled) > 100
    off = [
        f"{rule_id}: {code}"
        for rule_id, code in typed(rules, "ruff")
        if code not in enabled and not any(on.startswith(code) for on in enabled)
    ]
    assert not off, "\n".join(off)


# ---------------------------------------------------------------- mypy and CI


def strict_flags() -> set[str]:
    """The settings `strict = true` turns on, as mypy's help lists them."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--help"], capture_output=True, text=True, check=True
    )
    match = re.search(
        r"--strict\s+Strict mode; enables the following flags:(.*?)\n  --", done.stdout, re.S
    )
    assert match, "mypy --help no longer lists what --strict enables"
    flags = re.sub(r"\s+", "", match[1]).split(",")
    return {flag.removeprefix("--").replace("-", "_") for flag in flags}


def test_every_mypy_setting_is_the_examples(rules: list[Rule]) -> None:
    """`key = value` is in the example's [tool.mypy]; a bare key is on there, or by `strict`."""
    config = tomllib.loads((SNIPPETS / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    mypy: Mapping[str, object] = config["mypy"]
    implied = strict_flags() if mypy.get("strict") else set()
    assert "warn_unused_ignores" in implied or not mypy.get("strict")
    wrong = []
    for rule_id, setting in typed(rules, "mypy"):
        if "=" in setting:
            ok = tomllib.loads(setting).items() <= mypy.items()
        else:
            ok = bool(mypy.get(setting)) or setting in implied
        if not ok:
            wrong.append(f"{rule_id}: {setting}")
    assert not wrong, "\n".join(wrong)


def ci_steps(workflow: Path = CI_WORKFLOW) -> tuple[set[str], list[str]]:
    """The example CI's step names, and every command line its steps run."""
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    steps = [step for job in jobs.values() for step in job.get("steps", [])]
    names = {step["name"] for step in steps if "name" in step}
    commands = [line.strip() for step in steps for line in str(step.get("run", "")).splitlines()]
    return names, [line for line in commands if line]


def test_every_ci_check_is_a_step_of_the_examples_ci(rules: list[Rule]) -> None:
    """A CI check names a step of `.github/workflows/ci.yml`, or a command one of them runs."""
    names, commands = ci_steps()
    assert names
    assert commands
    absent = [
        f"{rule_id}: {step}"
        for rule_id, step in typed(rules, "ci")
        if step not in names and not any(c == step or c.startswith(step + " ") for c in commands)
    ]
    assert not absent, "\n".join(absent)


# ---------------------------------------------------------------- the audit's checks


def test_audit_checks_come_from_the_registry_and_name_live_rules(rules: list[Rule]) -> None:
    """Each rule's checks end with the registry's audit checks; the registry names no tombstone."""
    registry = audit_checks()
    assert len(registry) >= 40
    by_id = {r.id: r for r in rules}
    stale = sorted(
        rule_id for rule_id in registry if rule_id not in by_id or by_id[rule_id].retired
    )
    assert not stale, f"audit checks for rules that are not live: {stale}"
    for rule_id, names in registry.items():
        found = checks(by_id[rule_id])
        assert [c.value for c in found if c.kind == AUDIT] == list(names)
        assert found[: len(by_id[rule_id].checked_by)] == by_id[rule_id].checked_by
    assert not any(c.kind == AUDIT for r in rules for c in r.checked_by)  # never typed


def test_kinds_are_listed_in_one_order() -> None:
    assert set(KIND_ORDER) == {*CHECK_KINDS.values(), AUDIT}
    found = (Check("reviewer", "x"), Check(AUDIT, "A"), Check("test", "t"), Check(AUDIT, "B"))
    assert kinds(found) == ["test", "audit", "reviewer"]


PAGE = [
    "# 7. Errors",
    "## ERR-001 · One { #err-001 }",
    "**MUST** · x.",
    "*Checked by:* test `a` ·",
    "reviewer — wrapped",
    "",
    "```markdown",
    "## ERR-002 · In a fence { #err-002 }",
    "*Checked by:* test `b`",
    "```",
    "## ERR-003 · Three { #err-003 }",
    "*Checked by:* test `c`",
]


def test_the_extension_appends_the_audit_checks_to_each_rules_line() -> None:
    """To the last line of the paragraph; not inside a fence; rules without checks untouched."""
    audit = {"ERR-001": ("A-ONE", "A-TWO"), "ERR-002": ("NO",)}
    out = add_audit_checks(PAGE, audit)
    link = f"../{AUDIT_PAGE}#{AUDIT_ANCHOR}"
    assert out[4] == f"reviewer — wrapped · audit [`A-ONE`]({link}) · audit [`A-TWO`]({link})"
    changed = [i for i, (a, b) in enumerate(zip(PAGE, out, strict=True)) if a != b]
    assert changed == [4]
    assert add_audit_checks(PAGE, {}) == PAGE


def checked_by_lines(site: Path, rule: Rule) -> str:
    """The HTML paragraph of a rule's *Checked by* line on its built page."""
    html = built_page(site, page_path(rule.page)).read_text(encoding="utf-8")
    start = html.index(f'id="{rule.anchor}"')
    section = html[start : html.find("<h2 ", start + 1)]
    match = re.search(r"<p><em>Checked by:</em>(?P<line>.*?)</p>", section, re.S)
    assert match, f"{rule.id}: no Checked by line on its built page"
    return match["line"]


def test_the_built_rule_pages_show_every_audit_check(site_build: Build, rules: list[Rule]) -> None:
    """Each audit check of a rule is on its page's Checked-by line, linked to the audit page."""
    audit_html = built_page(site_build.site, page_path(AUDIT_PAGE)).read_text(encoding="utf-8")
    assert AUDIT_ANCHOR in h2_ids(audit_html)
    registry = audit_checks()
    for rule in rules:
        if rule.retired:
            continue
        line = checked_by_lines(site_build.site, rule)
        shown = re.findall(
            r'audit <a href="../../audit/#what-it-checks"><code>([A-Z0-9-]+)</code>', line
        )
        assert shown == list(registry.get(rule.id, ())), rule.id


def test_the_ruff_page_table_is_current() -> None:
    """docs/ruff.md's table is what the Checked-by lines generate (`make register`)."""
    assert ruff_page.main(["--check"]) == 0, "docs/ruff.md's table is stale: run `make register`"


def test_the_ruff_table_lists_each_cited_code_with_its_rules(rules: list[Rule]) -> None:
    text = ruff_page.PAGE.read_text(encoding="utf-8")
    emptied = ruff_page.updated(text, [], {})  # a page whose table lost every row
    assert emptied != text
    assert ruff_page.updated(emptied, rules, ruff_names()) == text
    for rule_id, code in typed(rules, "ruff"):
        row = next(
            line for line in text.splitlines() if line.startswith((f"| [`{code}`]", f"| `{code}`"))
        )
        assert f"[{rule_id}](" in row, (rule_id, code)
