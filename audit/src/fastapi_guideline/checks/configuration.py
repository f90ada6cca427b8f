"""Settings: typed, read from the environment in a cached factory, secrets as SecretStr."""

import ast
import re
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Module, innermost_function

SECRET_NAME = re.compile(
    r"(password|passwd|secret|token|api_?key|private_?key|credential|dsn|database_url|db_url"
    r"|redis_url|broker_url|access_key)",
    re.I,
)
# An access key ID or a token prefix ("Bearer") names or frames a secret; it is not one.
NOT_SECRET = re.compile(
    r"(_ttl|_type|_algorithm|_length|_expire|_minutes|_seconds|_days|_name|_id|_prefix)$"
)
CREDENTIAL_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.I)
V1_IMPORTS = {"pydantic.validator", "pydantic.root_validator", "pydantic.BaseSettings"}
V1_METHODS = {
    "parse_obj",
    "parse_raw",
    "parse_file",
    "from_orm",
    "update_forward_refs",
    "construct",
}
V1_CONFIG_KEYS = {"orm_mode", "allow_population_by_field_name", "schema_extra", "allow_mutation"}
ENV_READERS = {"os.environ.get", "os.getenv", "os.environ.setdefault", "os.environ.pop"}
CONVERSIONS = {"bool", "int", "float"}


def _settings_call(module: Module, project: Project, call: ast.Call) -> bool:
    name = module.qualname(call.func).rsplit(".", 1)[-1]
    return name in project.settings_classes or name == "get_settings"


@check(
    "SETTINGS-AT-IMPORT",
    ("CFG-004",),
    "static",
    "module",
    "settings built at import time: build them in a cached get_settings() on first use",
)
def settings_at_import(module: Module, project: Project) -> Iterator[Hit]:
    for call, scope in module.calls:
        if innermost_function(scope) is None and _settings_call(module, project, call):
            if not any(isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) for s in scope):
                yield Hit(module.path, call.lineno, call.col_offset + 1)


@check(
    "PYDANTIC-CLASS-CONFIG",
    ("DEP-003",),
    "static",
    "module",
    "Pydantic v1 inner `class Config`: use model_config = ConfigDict(...) / SettingsConfigDict",
)
def class_config(module: Module, project: Project) -> Iterator[Hit]:
    for node, _ in module.classes:
        if project.is_pydantic(module, node):
            for item in node.body:
                if isinstance(item, ast.ClassDef) and item.name == "Config":
                    yield Hit(module.path, item.lineno, item.col_offset + 1)


@check(
    "PYDANTIC-V1-API",
    ("DEP-003",),
    "static",
    "module",
    "a Pydantic v1 idiom: use the v2 API (field_validator, model_validate, model_config)",
)
def pydantic_v1(module: Module, project: Project) -> Iterator[Hit]:  # noqa: PLR0912 - three idioms
    for node, _ in module.of(ast.ImportFrom):
        if isinstance(node, ast.ImportFrom) and node.module in {"pydantic", "pydantic.v1"}:
            for alias in node.names:
                if node.module == "pydantic.v1" or f"pydantic.{alias.name}" in V1_IMPORTS:
                    yield Hit(module.path, node.lineno, node.col_offset + 1, alias.name)
    for call, _ in module.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in V1_METHODS:
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            if owner in project.pydantic_classes:
                yield Hit(module.path, call.lineno, call.col_offset + 1, f"{owner}.{func.attr}()")
    for node, _ in module.classes:
        if not project.is_pydantic(module, node):
            continue
        for item in node.body:
            if isinstance(item, ast.ClassDef) and item.name == "Config":
                for entry in item.body:
                    if isinstance(entry, ast.Assign):
                        for target in entry.targets:
                            if isinstance(target, ast.Name) and target.id in V1_CONFIG_KEYS:
                                yield Hit(
                                    module.path, entry.lineno, entry.col_offset + 1, target.id
                                )


def _is_plain_str(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Name):
        return annotation.id == "str"
    if isinstance(annotation, ast.BinOp):  # str | None
        return _is_plain_str(annotation.left) or _is_plain_str(annotation.right)
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name):
        return annotation.value.id == "Optional" and _is_plain_str(annotation.slice)
    return False


@check(
    "SECRET-AS-STR",
    ("CFG-005",),
    "static",
    "module",
    "a secret setting typed str: type it SecretStr so it never prints",
)
def secret_as_str(module: Module, project: Project) -> Iterator[Hit]:
    for node, _ in module.classes:
        settings = node.name in project.settings_classes or (
            project.is_pydantic(module, node) and node.name.endswith(("Settings", "Config"))
        )
        if not settings:
            continue
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                name = item.target.id
                if SECRET_NAME.search(name) and not NOT_SECRET.search(name):
                    if _is_plain_str(item.annotation):
                        yield Hit(module.path, item.lineno, item.col_offset + 1, name)


def _documentation(call: ast.Call) -> set[int]:
    """Literals passed as examples or descriptions: documentation, not configuration."""
    ids: set[int] = set()
    for item in call.keywords:
        if item.arg in {"examples", "example", "description", "title", "json_schema_extra"}:
            ids.update(id(n) for n in ast.walk(item.value))
    return ids


@check(
    "HARDCODED-CREDENTIALS",
    ("CFG-001",),
    "static",
    "module",
    "a URL with a password in the source: read it from the environment",
)
def hardcoded_credentials(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    documented: set[int] = set()
    for call, _ in module.calls:
        documented |= _documentation(call)
    for node, _ in module.of(ast.Constant):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in documented
            and CREDENTIAL_URL.match(node.value)
        ):
            yield Hit(module.path, node.lineno, node.col_offset + 1)


def _environment_read(module: Module, node: ast.expr) -> bool:
    if isinstance(node, ast.Subscript):
        base = module.qualname(node.value)
        return base == "os.environ" or base.rsplit(".", 1)[-1] in {"environ", "env"}
    return isinstance(node, ast.Call) and module.qualname(node.func) in ENV_READERS


@check(
    "ENV-BY-HAND",
    ("CFG-002",),
    "static",
    "module",
    "configuration read from the environment by hand: declare it in the BaseSettings class",
)
def env_by_hand(module: Module, project: Project) -> Iterator[Hit]:
    if module.roles & {"test", "migration"}:
        return
    for call, _ in module.calls:
        name = module.qualname(call.func)
        if name in ENV_READERS:
            yield Hit(module.path, call.lineno, call.col_offset + 1, name)
        elif name in CONVERSIONS and call.args and _environment_read(module, call.args[0]):
            yield Hit(module.path, call.lineno, call.col_offset + 1, f"{name}() of a variable")
    for node, _ in module.of(ast.Subscript):
        if isinstance(node, ast.Subscript) and module.qualname(node.value) == "os.environ":
            if isinstance(node.ctx, ast.Load):
                yield Hit(module.path, node.lineno, node.col_offset + 1, "os.environ[...]")
