"""Proofs of the Project Structure rules, read from the example project itself."""

import ast
import builtins
import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

from app.core.exceptions import AppError
from app.tasks import constants as task_constants
from demos import (
    str_app_in_router,
    str_bare_import,
    str_central_models,
    str_client_in_domain,
    str_flat_layout,
    str_literal_codes,
    str_logic_in_router,
    str_query_in_service,
    str_value_error,
)

ROOT = Path(__file__).resolve().parents[2]
# Every package of app/, read from the tree: a new domain is checked the day it exists.
PACKAGES = tuple(sorted(p.parent.name for p in (ROOT / "app").glob("*/__init__.py")))
PLUMBING = {"core", "infra"}  # what every domain shares: HTTP, settings, clients, DB
DOMAINS = tuple(p for p in PACKAGES if p not in PLUMBING)
# Tool caches and local environments are not part of the project's layout.
IGNORED = {
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    ".git",
    ".venv",
    "venv",
    ".local",
    ".coverage",
    "htmlcov",
    "tasks_service.egg-info",
}


def project_files() -> tuple[str, ...]:
    """Every file of the example project, relative to its root."""
    return tuple(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*")
        if path.is_file() and not IGNORED & set(path.relative_to(ROOT).parts)
    )


def sources(*parts: str) -> dict[str, str]:
    """The Python modules under a folder, by their path in the project."""
    folder = ROOT.joinpath(*parts)
    return {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.py"))
    }


def demo_source(module: object, *, as_path: str) -> dict[str, str]:
    """A demo's source, placed where the project would hold it."""
    return {as_path: Path(str(getattr(module, "__file__", ""))).read_text("utf-8")}


def layout_problems(files: tuple[str, ...]) -> list[str]:
    """What the standard layout requires and forbids, checked on a file list."""
    required = (
        "app/__init__.py",
        "app/main.py",
        "app/core/__init__.py",
        "app/infra/__init__.py",
        "pyproject.toml",
    )
    problems = [f"missing {name}" for name in required if name not in files]
    kinds = {name.split("/")[1] for name in files if name.startswith("tests/")}
    problems += [
        f"no tests/{k}/" for k in ("unit", "integration", "contract") if k not in kinds
    ]
    problems += [f"stray {n}" for n in files if re.fullmatch(r"requirements.*\.txt", n)]
    return problems


# --8<-- [start:str-001]
@pytest.mark.rule("STR-001")
@pytest.mark.parametrize(
    ("files", "holds"),
    [(project_files(), True), (str_flat_layout.LAYOUT, False)],
    ids=["do", "dont"],
)
def test_str_001_the_project_has_the_standard_layout(
    *, files: tuple[str, ...], holds: bool
) -> None:
    """app/ with core/ and infra/, three kinds of tests, one pyproject.toml."""
    assert (layout_problems(files) == []) is holds


# --8<-- [end:str-001]


def code_outside_app(files: tuple[str, ...]) -> list[str]:
    """Python files of the service that are not in the application package."""
    elsewhere = ("app/", "tests/", "migrations/", "scripts/", "demos/")
    return [n for n in files if n.endswith(".py") and not n.startswith(elsewhere)]


# --8<-- [start:str-002]
@pytest.mark.rule("STR-001")
@pytest.mark.parametrize(
    ("files", "holds"),
    [(project_files(), True), (str_flat_layout.LAYOUT, False)],
    ids=["do", "dont"],
)
def test_str_002_all_service_code_is_inside_app(
    *, files: tuple[str, ...], holds: bool
) -> None:
    """No domain, entry point or helper module lives beside the `app` package."""
    assert (code_outside_app(files) == []) is holds


# --8<-- [end:str-002]


def app_constructions(modules: dict[str, str]) -> list[tuple[str, str]]:
    """Where `FastAPI(...)` is called: (module, enclosing function or <module>)."""
    found = []
    for path, source in modules.items():
        tree = ast.parse(source)
        scopes = {
            id(node): function.name
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
        }
        found += [
            (path, scopes.get(id(node), "<module>"))
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "FastAPI"
        ]
    return found


# --8<-- [start:str-003]
@pytest.mark.rule("APP-003")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [
        (sources("app"), True),
        (demo_source(str_app_in_router, as_path="app/tasks/router.py"), False),
    ],
    ids=["do", "dont"],
)
def test_str_003_only_main_builds_the_app(
    *, modules: dict[str, str], holds: bool
) -> None:
    """The one `FastAPI(...)` call of the service is in `create_app()` of main.py."""
    assert (app_constructions(modules) == [("app/main.py", "create_app")]) is holds


# --8<-- [end:str-003]

# Other names for the roles of the standard modules, which STR-004 rules out.
SYNONYMS = {
    "views.py", "routes.py", "endpoints.py", "api.py", "crud.py", "db.py",
    "serializers.py", "schema.py", "services.py", "logic.py", "deps.py",
    "errors.py", "consts.py", "settings.py", "helpers.py", "repo.py",
}  # fmt: skip


def renamed_roles(files: tuple[str, ...]) -> list[str]:
    """Modules that hold a standard role under another name."""
    return [name for name in files if name.rsplit("/", 1)[-1] in SYNONYMS]


# --8<-- [start:str-004]
@pytest.mark.rule("STR-001")
@pytest.mark.parametrize(
    ("files", "holds"),
    [(project_files(), True), (str_flat_layout.LAYOUT, False)],
    ids=["do", "dont"],
)
def test_str_004_domains_use_the_standard_module_names(
    *, files: tuple[str, ...], holds: bool
) -> None:
    """No module is a `views.py`, `crud.py` or `helpers.py` for a standard role."""
    assert (renamed_roles(files) == []) is holds


# --8<-- [end:str-004]


def imported_packages(tree: ast.Module) -> set[str]:
    """Top-level packages a module imports."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
    return found


def http_in_business_code(modules: dict[str, str]) -> list[str]:
    """HTTP where the domain decides: in a service, or raised for a domain rule."""
    problems = []
    for path, source in modules.items():
        tree = ast.parse(source)
        business = path.endswith(("/service.py", "/repository.py"))
        if business and imported_packages(tree) & {"fastapi", "starlette"}:
            problems.append(f"{path} imports the web framework")
        problems += [
            f"{path}:{node.lineno} raises an HTTP error"
            for node in ast.walk(tree)
            if isinstance(node, ast.Raise)
            and node.exc is not None
            and "HTTPException" in ast.unparse(node.exc)
        ]
    return problems


def domain_modules() -> dict[str, str]:
    return {k: v for domain in DOMAINS for k, v in sources("app", domain).items()}


def modules_outside_infra() -> dict[str, str]:
    """Every module but infra's own plumbing, where the drivers are called."""
    return {k: v for k, v in sources("app").items() if not k.startswith("app/infra/")}


def error_modules() -> list[tuple[ModuleType, ModuleType]]:
    """Each package's exceptions module, with the constants its codes come from."""
    return [
        (
            importlib.import_module(f"app.{package}.exceptions"),
            importlib.import_module(f"app.{package}.constants"),
        )
        for package in PACKAGES
        if (ROOT / "app" / package / "exceptions.py").exists()
    ]


# --8<-- [start:str-005]
@pytest.mark.rule("STR-005")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [
        (domain_modules(), True),
        (demo_source(str_logic_in_router, as_path="app/tasks/router.py"), False),
    ],
    ids=["do", "dont"],
)
def test_str_005_business_rules_live_outside_http(
    *, modules: dict[str, str], holds: bool
) -> None:
    """Services import no FastAPI, and no domain rule is reported as an HTTP error."""
    assert (http_in_business_code(modules) == []) is holds


# --8<-- [end:str-005]


def error_classes(module: ModuleType) -> list[type[AppError]]:
    """The error classes a module defines."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, AppError)
        and value.__module__ == getattr(module, "__name__", None)
    ]


def codes_from_constants(exceptions: ModuleType, constants: ModuleType) -> bool:
    """Every error code of a module is a member of its domain's ErrorCode."""
    codes = constants.ErrorCode
    classes = error_classes(exceptions)
    return bool(classes) and all(isinstance(cls.code, codes) for cls in classes)


# --8<-- [start:str-006]
@pytest.mark.rule("STR-006")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [
        (error_modules(), True),
        ([(str_literal_codes, task_constants)], False),
    ],
    ids=["do", "dont"],
)
def test_str_006_error_codes_are_named_constants(
    *, modules: list[tuple[ModuleType, ModuleType]], holds: bool
) -> None:
    """Each error's `code` comes from its domain's ErrorCode enum, not a literal."""
    assert all(codes_from_constants(*pair) for pair in modules) is holds


# --8<-- [end:str-006]


def raised_classes(module: ModuleType) -> set[type]:
    """The classes a module raises by name (re-raises of a caught error aside)."""
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    raised = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = ast.unparse(target)
            value = vars(module).get(name, getattr(builtins, name, None))
            if isinstance(value, type):
                raised.add(value)
    return raised


def non_schema_modules() -> list[ModuleType]:
    # Schemas raise ValueError on purpose: Pydantic turns it into a 422 (ERR-006).
    return [
        importlib.import_module(f"app.{domain}.{path.stem}")
        for domain in DOMAINS
        for path in sorted((ROOT / "app" / domain).glob("*.py"))
        if path.stem not in {"__init__", "__main__", "schemas"}  # __main__ runs
    ]


# --8<-- [start:str-007]
@pytest.mark.rule("STR-007")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [(non_schema_modules(), True), ([str_value_error], False)],
    ids=["do", "dont"],
)
def test_str_007_domains_raise_their_own_error_classes(
    *, modules: list[ModuleType], holds: bool
) -> None:
    """Every class a domain raises derives from the service's one base error."""
    raised = {cls for module in modules for cls in raised_classes(module)}
    assert (bool(raised) and all(issubclass(c, AppError) for c in raised)) is holds


# --8<-- [end:str-007]


def misplaced_tables(modules: dict[str, str]) -> list[str]:
    """Mapped classes (with a __tablename__) defined in infrastructure code."""
    return [
        f"{path}: {node.name}"
        for path, source in modules.items()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef)
        and "__tablename__" in ast.unparse(node)
        and in_domain_outside_models(path)
    ]


def in_domain_outside_models(path: str) -> bool:
    parts = path.split("/")
    plumbing = len(parts) >= 3 and parts[1] in PLUMBING
    return plumbing or (len(parts) == 3 and parts[2] != "models.py")


# --8<-- [start:str-009]
@pytest.mark.rule("STR-009")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [
        (sources("app"), True),
        (demo_source(str_central_models, as_path="app/infra/db/models.py"), False),
    ],
    ids=["do", "dont"],
)
def test_str_009_tables_are_defined_in_their_domain(
    *, modules: dict[str, str], holds: bool
) -> None:
    """Tables are mapped in a domain's models.py; infra/db/models.py only imports."""
    assert (misplaced_tables(modules) == []) is holds


# --8<-- [end:str-009]

QUERY_BUILDERS = {"select", "insert", "update", "delete", "text"}
# Readiness pings the database with `SELECT 1` on a connection of its own: a
# check that it answers, not a query of data that a repository would own.
PINGS = {("app/core/health.py", "text"), ("app/core/health.py", "connection.execute")}


def queries_outside_repositories(modules: dict[str, str]) -> list[str]:
    """SQL built or run in a service or router, and commits in a repository."""
    problems = []
    for path, source in modules.items():
        role = path.rsplit("/", 1)[-1]
        for node in ast.walk(ast.parse(source)):
            name = ast.unparse(node.func) if isinstance(node, ast.Call) else ""
            run = name.endswith((".execute", ".scalar", ".scalars"))
            # Only a repository (and the models' own defaults) may hold SQL.
            sql_free = role not in {"repository.py", "models.py"}
            if (
                sql_free
                and (name in QUERY_BUILDERS or run)
                and (path, name) not in PINGS
            ):
                problems.append(f"{path}: {name}")
            if role == "repository.py" and name.endswith(".commit"):
                problems.append(f"{path}: {name}")
    return problems


# --8<-- [start:str-010]
@pytest.mark.rule("STR-010")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [
        (modules_outside_infra(), True),
        (demo_source(str_query_in_service, as_path="app/tasks/service.py"), False),
    ],
    ids=["do", "dont"],
)
def test_str_010_queries_live_in_repositories(
    *, modules: dict[str, str], holds: bool
) -> None:
    """Services and routers run no SQL of their own; repositories never commit."""
    assert (queries_outside_repositories(modules) == []) is holds


# --8<-- [end:str-010]

CLIENT_FACTORIES = {"AsyncClient", "Client", "create_async_engine", "create_engine"}


def clients_outside_infra(modules: dict[str, str]) -> list[str]:
    """Clients of the outside world (HTTP, database) built outside app/infra/."""
    return [
        f"{path}:{node.lineno}"
        for path, source in modules.items()
        if not path.startswith("app/infra/")
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and ast.unparse(node.func).rsplit(".", 1)[-1] in CLIENT_FACTORIES
    ]


# --8<-- [start:str-011]
@pytest.mark.rule("STR-011")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [
        (sources("app"), True),
        (demo_source(str_client_in_domain, as_path="app/tasks/service.py"), False),
    ],
    ids=["do", "dont"],
)
def test_str_011_only_infra_builds_clients(
    *, modules: dict[str, str], holds: bool
) -> None:
    """No domain or core module constructs an HTTP client or a database engine."""
    assert (clients_outside_infra(modules) == []) is holds


# --8<-- [end:str-011]


def bare_cross_domain_names(modules: dict[str, str]) -> list[str]:
    """Names imported bare from another domain's service, dependencies, constants."""
    shared = {"service", "dependencies", "constants"}
    problems = []
    for path, source in modules.items():
        own = path.split("/")[1]
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            other_domain = len(parts) == 3 and parts[1] in DOMAINS and parts[1] != own
            if other_domain and parts[2] in shared:
                problems += [f"{path}: {alias.name}" for alias in node.names]
    return problems


# --8<-- [start:str-012]
@pytest.mark.rule("STR-012")
@pytest.mark.parametrize(
    ("modules", "holds"),
    [
        (sources("app"), True),
        (demo_source(str_bare_import, as_path="app/tasks/service.py"), False),
    ],
    ids=["do", "dont"],
)
def test_str_012_other_domains_are_imported_as_modules(
    *, modules: dict[str, str], holds: bool
) -> None:
    """`from app.users import service as user_service`, never `... import get_user`."""
    assert (bare_cross_domain_names(modules) == []) is holds


# --8<-- [end:str-012]
