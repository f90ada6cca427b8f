"""How the app is wired: a factory in main.py, a lifespan, pure ASGI middleware, CORS, docs."""

import ast
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Module, has_kwargs_spread, innermost_function, keyword

APPS = {"fastapi.FastAPI", "fastapi.applications.FastAPI"}
BASE_HTTP = {
    "starlette.middleware.base.BaseHTTPMiddleware",
    "fastapi.middleware.base.BaseHTTPMiddleware",
}
CORS = {"fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"}


def _app_calls(module: Module) -> Iterator[tuple[ast.Call, bool]]:
    """FastAPI(...) constructions and whether each runs at import time."""
    for call, scope in module.calls:
        if module.qualname(call.func) in APPS:
            yield call, innermost_function(scope) is None


@check(
    "APP-AT-IMPORT",
    ("APP-003",),
    "static",
    "module",
    "the app is created at import time: build it in a create_app() factory",
)
def app_at_import(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    for call, at_import in _app_calls(module):
        if at_import:
            yield Hit(module.path, call.lineno, call.col_offset + 1)


@check(
    "APP-OUTSIDE-MAIN",
    ("APP-003",),
    "static",
    "module",
    "the FastAPI application is created outside main.py",
)
def app_outside_main(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles or module.path.name == "main.py":
        return
    for call, _ in _app_calls(module):
        yield Hit(module.path, call.lineno, call.col_offset + 1)


@check(
    "ON-EVENT",
    ("APP-001",),
    "static",
    "module",
    "start-up/shutdown event handlers: use one lifespan context manager",
)
def on_event(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in {"on_event", "add_event_handler"}:
            yield Hit(module.path, call.lineno, call.col_offset + 1, func.attr)
        elif module.qualname(func) in APPS:
            for name in ("on_startup", "on_shutdown"):
                if keyword(call, name) is not None:
                    yield Hit(module.path, call.lineno, call.col_offset + 1, name)


@check(
    "BASE-HTTP-MIDDLEWARE",
    ("OBS-003",),
    "static",
    "module",
    "BaseHTTPMiddleware (or @app.middleware('http')) runs the app in another task: "
    "write pure ASGI middleware",
)
def base_http_middleware(module: Module, project: Project) -> Iterator[Hit]:
    for node, _ in module.classes:
        if any(module.qualname(base) in BASE_HTTP for base in node.bases):
            yield Hit(module.path, node.lineno, node.col_offset + 1, node.name)
    for call, _ in module.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "middleware":
            argument = call.args[0] if call.args else None
            if isinstance(argument, ast.Constant) and argument.value == "http":
                yield Hit(module.path, call.lineno, call.col_offset + 1, "@app.middleware('http')")
        if isinstance(func, ast.Attribute) and func.attr == "add_middleware" and call.args:
            if module.qualname(call.args[0]) in BASE_HTTP:
                yield Hit(module.path, call.lineno, call.col_offset + 1)


def _wildcard(node: ast.expr | None) -> bool:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(isinstance(e, ast.Constant) and e.value == "*" for e in node.elts)
    return isinstance(node, ast.Constant) and node.value in {"*", ".*"}


@check(
    "CORS-WILDCARD",
    ("SEC-001",),
    "static",
    "module",
    "CORS allows any origin: allowlist the configured origins",
)
def cors_wildcard(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        func = call.func
        is_add = isinstance(func, ast.Attribute) and func.attr == "add_middleware"
        target = call.args[0] if is_add and call.args else func
        if module.qualname(target) not in CORS:
            continue
        origins = module.constant(keyword(call, "allow_origins"))
        regex = module.constant(keyword(call, "allow_origin_regex"))
        if _wildcard(origins) or _wildcard(regex):
            credentials = keyword(call, "allow_credentials")
            with_credentials = isinstance(credentials, ast.Constant) and credentials.value is True
            detail = "with credentials" if with_credentials else "allow_origins='*'"
            yield Hit(module.path, call.lineno, call.col_offset + 1, detail)


@check(
    "DOCS-ALWAYS-ON",
    ("DOC-005",),
    "static",
    "module",
    "FastAPI() keeps /docs, /redoc and /openapi.json on: switch them with a setting",
)
def docs_always_on(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    for call, _ in _app_calls(module):
        # FastAPI serves /docs and /redoc from the OpenAPI document: openapi_url=None (or a
        # setting) switches all three, whatever docs_url and redoc_url say; a fixed path
        # (the default, or "/api/v1/openapi.json") keeps them on everywhere.
        if not has_kwargs_spread(call) and _always_on(keyword(call, "openapi_url")):
            yield Hit(module.path, call.lineno, call.col_offset + 1)


def _always_on(value: ast.expr | None) -> bool:
    if value is None or isinstance(value, ast.JoinedStr):
        return True
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and bool(value.value)


@check(
    "HANDLER-OUTSIDE-REGISTRY",
    ("PRB-001",),
    "static",
    "module",
    "an exception handler registered on a module-level app: register every handler in one "
    "function the factory calls",
)
def handler_outside_registry(module: Module, project: Project) -> Iterator[Hit]:
    for call, scope in module.calls:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr
            in {
                "exception_handler",
                "add_exception_handler",
            }
            and innermost_function(scope) is None
        ):
            yield Hit(module.path, call.lineno, call.col_offset + 1)
