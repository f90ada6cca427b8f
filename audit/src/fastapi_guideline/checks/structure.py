"""Structure: domains import each other by module name; adapters live in infra/."""

import ast
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Module

# Packages every domain shares (Dispatch keeps its query helpers in `database/`).
SHARED_PACKAGES = {"core", "infra", "common", "shared", "lib", "utils", "config", "db", "database"}
# The modules STR-012 names: a repository class or a utility is imported by its own name.
DOMAIN_MODULES = {"service", "dependencies", "constants"}
ADAPTER_PLACES = {
    "infra",
    "core",
    "clients",
    "adapters",
    "integrations",
    "db",
    "database",
    "main",
    "lifespan",
    "dependencies",
    "deps",
    "config",
}
ADAPTERS = {
    "httpx.AsyncClient",
    "httpx.Client",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlalchemy.create_engine",
    "redis.asyncio.Redis",
    "redis.Redis",
    "boto3.client",
    "aioboto3.Session",
}


def _domain(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) >= 3 and parts[1] not in SHARED_PACKAGES else None


@check(
    "BARE-CROSS-DOMAIN-IMPORT",
    ("STR-012",),
    "static",
    "module",
    "names imported from another domain's module: import the module "
    "(`from app.users import service as user_service`)",
)
def bare_cross_domain(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    mine = _domain(module.name)
    for node, _ in module.of(ast.ImportFrom):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        parts = node.module.split(".")
        theirs = _domain(node.module)
        if theirs is None or theirs == mine or parts[-1] not in DOMAIN_MODULES:
            continue
        if (
            node.module in project.by_name
            or project.root.joinpath(*parts).with_suffix(".py").is_file()
        ):
            names = [a.name for a in node.names if f"{node.module}.{a.name}" not in project.by_name]
            if names:
                yield Hit(module.path, node.lineno, node.col_offset + 1, ", ".join(names))


@check(
    "CLIENT-IN-DOMAIN",
    ("STR-011",),
    "static",
    "module",
    "an infrastructure client built in domain code: build it in app/infra/ and inject it",
)
def client_in_domain(module: Module, project: Project) -> Iterator[Hit]:
    words = set(module.name.split(".")) | {module.path.stem}
    package = module.name.rpartition(".")[0]
    in_domain = module.roles & {"service", "repository", "router"} or any(
        f"{package}.{role}" in project.by_name for role in ("service", "router")
    )
    if "test" in module.roles or words & ADAPTER_PLACES or not in_domain:
        return
    for call, _ in module.calls:
        if module.qualname(call.func) in ADAPTERS:
            if any(k.arg in {"transport", "app"} for k in call.keywords):
                continue
            yield Hit(module.path, call.lineno, call.col_offset + 1, module.qualname(call.func))
