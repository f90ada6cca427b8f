"""Proofs of the Code Style and Typing rules: strict mypy and ruff on Do and Don't."""

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from mypy import api as mypy_api
from pydantic import BaseModel, PydanticUserError

from app.tasks.schemas import Money
from demos import typ_specific_errors, typ_string_annotations, typ_swallowed_error

SNIPPETS = Path(__file__).resolve().parents[2]
DEMOS = SNIPPETS / "demos"
SUPPRESSION = re.compile(r"\s+# (?:type: ignore|noqa)\b.*$", re.MULTILINE)


def demo_section(name: str) -> str:
    """The demo's shown section, with its deliberate suppressions removed."""
    text = (DEMOS / name).read_text()
    section = text.split("# --8<-- [start:demo]\n")[1].split("# --8<-- [end:demo]")[0]
    return SUPPRESSION.sub("", section)


def mypy_codes(path: Path, *options: str) -> set[str]:
    """Error codes strict mypy reports for one file, with the project's config."""
    config = str(SNIPPETS / "pyproject.toml")
    out, _, _ = mypy_api.run(["--config-file", config, *options, str(path)])
    return set(re.findall(r"\[([a-z-]+)\]$", out, re.MULTILINE))


@pytest.fixture
def in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """mypy resolves `app` and `demos` from the project directory."""
    monkeypatch.chdir(SNIPPETS)


def isolated(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "pattern.py"
    path.write_text(source)
    return path


# --8<-- [start:typ-001]
@pytest.mark.rule("TYP-001")
@pytest.mark.usefixtures("in_project")
def test_strict_mypy_accepts_the_service_and_refuses_untyped_code(
    tmp_path: Path,
) -> None:
    """The same mypy run: the service's module passes, the untyped helper fails."""
    # Do: a service module, checked as CI checks it.
    assert mypy_codes(SNIPPETS / "app/tasks/service.py") == set()
    # Don't: the demo's helper on its own, its `type: ignore` taken away.
    untyped = isolated(tmp_path, demo_section("typ_untyped_helper.py"))
    assert "no-untyped-def" in mypy_codes(untyped)


# --8<-- [end:typ-001]


def validates(model: type[BaseModel]) -> bool:
    try:
        model.model_validate({"amount": "9.90", "currency": "EUR"})
    except PydanticUserError:
        return False
    return True


# --8<-- [start:typ-002]
@pytest.mark.rule("TYP-002")
@pytest.mark.parametrize(
    ("model", "holds"),
    [(Money, True), (typ_string_annotations.Price, False)],
    ids=["do", "dont"],
)
def test_models_work_on_first_use(*, model: type[BaseModel], holds: bool) -> None:
    """A model whose annotations are real types validates the first time it is used."""
    assert validates(model) is holds


@pytest.mark.rule("TYP-002")
def test_no_module_postpones_its_annotations() -> None:
    """No module of the service imports `annotations` from `__future__`."""
    postponed = [
        path.name
        for path in (SNIPPETS / "app").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "__future__"
    ]
    assert postponed == []


# --8<-- [end:typ-002]

BARE_NOQA = re.compile(r"# noqa(?::[ A-Z0-9,]+)?$", re.MULTILINE)


def bare_noqas(paths: list[Path]) -> list[str]:
    """`# noqa` comments with nothing after the codes: no reason given."""
    return [
        f"{path.name}:{match.group(0)}"
        for path in paths
        for match in BARE_NOQA.finditer(path.read_text())
    ]


# --8<-- [start:typ-003]
@pytest.mark.rule("TYP-003")
@pytest.mark.parametrize(
    ("files", "holds"),
    [
        (sorted((SNIPPETS / "app").rglob("*.py")), True),
        ([DEMOS / "typ_bare_noqa.py"], False),
    ],
    ids=["do", "dont"],
)
def test_every_lint_exception_says_why(*, files: list[Path], holds: bool) -> None:
    """Each `# noqa` in the code is followed by its reason."""
    assert (bare_noqas(files) == []) is holds


@pytest.mark.rule("TYP-003")
def test_every_ignored_rule_in_the_configuration_says_why() -> None:
    """Each rule in ruff's `ignore` list carries a comment with its reason."""
    text = (SNIPPETS / "pyproject.toml").read_text()
    ignored = text.split("ignore = [\n")[1].split("]")[0].splitlines()
    assert ignored
    assert all("#" in line for line in ignored)


# --8<-- [end:typ-003]


def do_payload(tmp_path: Path) -> Path:
    return isolated(tmp_path, demo_section("typ_typed_payload.py"))


def dont_payload(tmp_path: Path) -> Path:
    return isolated(tmp_path, demo_section("typ_any_payload.py"))


# --8<-- [start:typ-004]
@pytest.mark.rule("TYP-004")
@pytest.mark.parametrize(
    ("pattern", "holds"),
    [(do_payload, True), (dont_payload, False)],
    ids=["do", "dont"],
)
@pytest.mark.usefixtures("in_project")
def test_no_explicit_any(
    *, pattern: Callable[[Path], Path], holds: bool, tmp_path: Path
) -> None:
    """mypy with `--disallow-any-explicit` finds no `Any` in the pattern."""
    codes = mypy_codes(pattern(tmp_path), "--disallow-any-explicit")
    assert ("explicit-any" not in codes) is holds


# --8<-- [end:typ-004]


# --8<-- [start:typ-005]
@pytest.mark.rule("TYP-005")
@pytest.mark.parametrize(
    ("module", "holds"),
    [(SNIPPETS / "app", True), (DEMOS / "typ_bare_ignore.py", False)],
    ids=["do", "dont"],
)
@pytest.mark.usefixtures("in_project")
def test_every_type_ignore_names_its_error_code(*, module: Path, holds: bool) -> None:
    """mypy's `ignore-without-code` check finds no blanket ignore."""
    codes = mypy_codes(module, "--enable-error-code", "ignore-without-code")
    assert ("ignore-without-code" not in codes) is holds


# --8<-- [end:typ-005]


def lookup_error(
    task_owner: Callable[[int], str | None], task_id: int
) -> LookupError | None:
    try:
        task_owner(task_id)
    except LookupError as exc:
        return exc
    return None


# --8<-- [start:typ-006]
@pytest.mark.rule("AIM-001")
@pytest.mark.parametrize(
    ("task_owner", "holds"),
    [(typ_specific_errors.task_owner, True), (typ_swallowed_error.task_owner, False)],
    ids=["do", "dont"],
)
def test_a_missing_task_is_a_named_error_not_a_magic_value(
    *, task_owner: Callable[[int], str | None], holds: bool
) -> None:
    """Asking for a task that does not exist raises a named LookupError."""
    error = lookup_error(task_owner, 404)
    assert (error is not None and type(error) is not KeyError) is holds


# --8<-- [end:typ-006]
