"""Proofs of the Dependencies and Versions rules, read from the project's files."""

import ast
import inspect
import textwrap
import tomllib
from collections.abc import Iterable
from datetime import date
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.routing import APIRoute
from packaging.requirements import Requirement
from sqlalchemy.orm import DeclarativeBase
from starlette.routing import BaseRoute

import app.infra.db.models  # noqa: F401  # registers every table on the metadata
from app.infra.db.base import Base
from app.tasks import router as task_routes
from app.users import router as user_routes
from demos import (
    dep_blocking_http,
    dep_global_service,
    dep_legacy_column,
    dep_loose_tooling,
    dep_unbounded_requirements,
)

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEPENDENCIES = tuple(PYPROJECT["project"]["dependencies"])


def bounded(requirement: Requirement) -> bool:
    """A lower bound and an upper bound (below the next breaking release)."""
    operators = {spec.operator for spec in requirement.specifier}
    return bool(operators & {">=", ">", "~="}) and bool(operators & {"<", "~="})


def web_stack_problems(requirements: Iterable[str]) -> list[str]:
    """FastAPI and Uvicorn declared with ranges; Starlette left to FastAPI."""
    declared = {Requirement(line).name: Requirement(line) for line in requirements}
    problems = [
        f"{name}: missing or unbounded"
        for name in ("fastapi", "uvicorn")
        if name not in declared or not bounded(declared[name])
    ]
    if "starlette" in declared:
        problems.append("starlette: pinned apart from FastAPI")
    return problems


# --8<-- [start:dep-002]
@pytest.mark.rule("DEP-002")
@pytest.mark.parametrize(
    ("requirements", "holds"),
    [(DEPENDENCIES, True), (dep_unbounded_requirements.REQUIREMENTS, False)],
    ids=["do", "dont"],
)
def test_dep_002_the_web_stack_is_fastapi_on_uvicorn(
    *, requirements: tuple[str, ...], holds: bool
) -> None:
    """FastAPI and Uvicorn are declared with version ranges."""
    assert (web_stack_problems(requirements) == []) is holds


# --8<-- [end:dep-002]


def untyped_columns(model: type[DeclarativeBase]) -> list[str]:
    """Columns of a mapped class that no `Mapped[...]` annotation describes."""
    annotations: dict[str, object] = {}
    for cls in reversed(model.__mro__):
        annotations |= getattr(cls, "__annotations__", {})
    return [
        column.key
        for column in model.__table__.columns
        if not str(annotations.get(column.key, "")).startswith(
            ("Mapped[", "sqlalchemy.orm.base.Mapped[")
        )
    ]


SERVICE_MODELS = [mapper.class_ for mapper in Base.registry.mappers]


# --8<-- [start:dep-004]
@pytest.mark.rule("DEP-004")
@pytest.mark.parametrize(
    ("models", "holds"),
    [(SERVICE_MODELS, True), ([dep_legacy_column.User], False)],
    ids=["do", "dont"],
)
def test_dep_004_every_column_is_typed_with_mapped(
    *, models: list[type[DeclarativeBase]], holds: bool
) -> None:
    """The type checker sees each column's Python type and nullability."""
    assert (all(untyped_columns(model) == [] for model in models)) is holds


# --8<-- [end:dep-004]

BLOCKING_HTTP = {"requests", "urllib.request", "http.client", "urllib3"}


def blocking_http_imports(paths: Iterable[Path]) -> list[str]:
    """Imports of blocking HTTP libraries."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.name}: {n}" for n in names if n in BLOCKING_HTTP]
    return found


# --8<-- [start:dep-005]
@pytest.mark.rule("APP-002")
@pytest.mark.parametrize(
    ("paths", "holds"),
    [
        (sorted((ROOT / "app").rglob("*.py")), True),
        ([Path(dep_blocking_http.__file__)], False),
    ],
    ids=["do", "dont"],
)
def test_dep_005_outbound_http_goes_through_httpx(
    *, paths: list[Path], holds: bool
) -> None:
    """No module imports requests, urllib.request or http.client."""
    assert (blocking_http_imports(paths) == []) is holds


# --8<-- [end:dep-005]

REQUIRED_RULE_FAMILIES = {"E", "F", "I", "B", "S", "ASYNC", "ANN", "UP", "FAST"}


def tooling_problems(pyproject: dict[str, Any]) -> list[str]:
    """What keeps ruff and mypy from catching the errors they exist for."""
    tool = pyproject.get("tool", {})
    selected = set(tool.get("ruff", {}).get("lint", {}).get("select", []))
    mypy = tool.get("mypy", {})
    problems = [f"ruff: {f} not selected" for f in REQUIRED_RULE_FAMILIES - selected]
    if mypy.get("strict") is not True:
        problems.append("mypy: not strict")
    if "pydantic.mypy" not in mypy.get("plugins", []):
        problems.append("mypy: no pydantic plugin")
    return problems


# --8<-- [start:dep-006]
@pytest.mark.rule("TYP-003")
@pytest.mark.parametrize(
    ("pyproject", "holds"),
    [(PYPROJECT, True), (dep_loose_tooling.PYPROJECT, False)],
    ids=["do", "dont"],
)
def test_dep_006_ruff_and_strict_mypy_are_configured(
    *, pyproject: dict[str, Any], holds: bool
) -> None:
    """Bandit, async and annotation rules are on; mypy is strict with the plugin."""
    assert (tooling_problems(pyproject) == []) is holds


# --8<-- [end:dep-006]


# Values that need no replacing in a test: they hold no connection or state.
CONSTANTS = (str, bytes, int, float, date, Enum, tuple, frozenset)


def hidden_collaborators(module: ModuleType, routes: Iterable[BaseRoute]) -> set[str]:
    """Module-level objects an endpoint calls without receiving them as a parameter."""
    found = set()
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        source = textwrap.dedent(inspect.getsource(route.endpoint))
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            target = (
                node.func.value if isinstance(node.func, ast.Attribute) else node.func
            )
            if isinstance(target, ast.Name) and target.id in vars(module):
                value = vars(module)[target.id]
                constant = isinstance(value, CONSTANTS)
                if not (inspect.ismodule(value) or callable(value) or constant):
                    found.add(target.id)
    return found


SERVICE_ENDPOINTS = [
    (task_routes, task_routes.router.routes),
    (user_routes, [*user_routes.router.routes, *user_routes.auth_router.routes]),
]


# --8<-- [start:dep-009]
@pytest.mark.rule("DEP-009")
@pytest.mark.parametrize(
    ("endpoints", "holds"),
    [
        (SERVICE_ENDPOINTS, True),
        ([(dep_global_service, dep_global_service.router.routes)], False),
    ],
    ids=["do", "dont"],
)
def test_dep_009_endpoints_receive_what_they_use(
    *, endpoints: list[tuple[ModuleType, list[BaseRoute]]], holds: bool
) -> None:
    """No endpoint reaches for a module-level instance: all comes through Depends."""
    hidden = set().union(*(hidden_collaborators(m, r) for m, r in endpoints))
    assert (hidden == set()) is holds


# --8<-- [end:dep-009]

DEV_TOOLS = {"pytest", "ruff", "mypy", "coverage", "black", "pytest-cov"}


def declaration_problems(requirements: Iterable[str]) -> list[str]:
    """Runtime requirements without both bounds, and dev tools among them."""
    parsed = [Requirement(line) for line in requirements]
    return [f"{r.name}: unbounded" for r in parsed if not bounded(r)] + [
        f"{r.name}: a dev tool" for r in parsed if r.name in DEV_TOOLS
    ]


# --8<-- [start:dep-010]
@pytest.mark.rule("DEP-010")
@pytest.mark.parametrize(
    ("requirements", "holds"),
    [(DEPENDENCIES, True), (dep_unbounded_requirements.REQUIREMENTS, False)],
    ids=["do", "dont"],
)
def test_dep_010_runtime_dependencies_are_bounded(
    *, requirements: tuple[str, ...], holds: bool
) -> None:
    """Each runtime dependency has a lower and an upper bound; tools are elsewhere."""
    assert (declaration_problems(requirements) == []) is holds


@pytest.mark.rule("DEP-010")
def test_dep_010_pyproject_is_the_only_list() -> None:
    """No requirements file beside pyproject.toml; the tools are a dependency group."""
    assert not [path.name for path in ROOT.glob("requirements*")]
    dev = [Requirement(line).name for line in PYPROJECT["dependency-groups"]["dev"]]
    assert {"pytest", "ruff", "mypy"} <= set(dev)


# --8<-- [end:dep-010]
