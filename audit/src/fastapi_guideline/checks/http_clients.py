"""Outbound HTTP clients: one shared client, explicit timeouts and limits, the request ID."""

import ast
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import (
    Module,
    has_kwargs_spread,
    innermost_function,
    is_none,
    keyword,
    walk_body,
)

CLIENTS = {"httpx.AsyncClient", "httpx.Client"}
REQUESTS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send"}


def _clients(
    module: Module,
) -> Iterator[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
    """Client constructions that talk to the network (in-process test clients excluded)."""
    for call, scope in module.calls:
        if module.qualname(call.func) not in CLIENTS:
            continue
        if keyword(call, "transport") is not None or keyword(call, "app") is not None:
            continue  # ASGITransport / MockTransport: a test client, not an outbound one
        yield call, innermost_function(scope)


def _returned_or_stored(function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> bool:
    """A factory returns the client it builds; a lifespan stores it on app.state or yields."""
    names: set[str] = set()
    shared = {n for s in walk_body(function) if isinstance(s, ast.Global) for n in s.names}
    for node in walk_body(function):
        if isinstance(node, ast.Assign) and node.value is call:
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in shared:
                    return True  # global _client; _client = ... (closed by its own shutdown)
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Attribute):
                    return True  # self.client = ... / app.state.client = ...
        if isinstance(node, ast.Return) and node.value is call:
            return True
    for node in walk_body(function):
        value = getattr(node, "value", None)
        if isinstance(node, ast.Return | ast.Yield) and isinstance(value, ast.Name):
            if value.id in names:
                return True
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            if node.value.id in names and any(isinstance(t, ast.Attribute) for t in node.targets):
                return True
    return _is_lifespan(function)


def _is_lifespan(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    decorated = any(
        (d.id if isinstance(d, ast.Name) else getattr(d, "attr", "")) == "asynccontextmanager"
        for d in function.decorator_list
    )
    return decorated or "lifespan" in function.name


@check(
    "CLIENT-PER-CALL",
    ("APP-002",),
    "static",
    "module",
    "an HTTP client created per call: create one in the lifespan and inject it",
)
def client_per_call(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    for call, function in _clients(module):
        if function is not None and not _returned_or_stored(function, call):
            yield Hit(module.path, call.lineno, call.col_offset + 1)


@check(
    "CLIENT-TIMEOUT",
    ("EXT-002",),
    "static",
    "module",
    "an outbound call without an explicit timeout",
)
def client_timeout(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in _clients(module):
        timeout = keyword(call, "timeout")
        if (timeout is None and not has_kwargs_spread(call)) or is_none(timeout):
            yield Hit(module.path, call.lineno, call.col_offset + 1, "the client sets none")
    for call, _ in module.calls:
        if not isinstance(call.func, ast.Attribute) or call.func.attr not in REQUESTS:
            continue
        name = module.qualname(call.func)
        module_level = name.startswith(("httpx.", "requests."))
        timeout = keyword(call, "timeout")
        if is_none(timeout) or (module_level and timeout is None and not has_kwargs_spread(call)):
            yield Hit(module.path, call.lineno, call.col_offset + 1, "timeout=None or missing")


@check(
    "CLIENT-LIMITS",
    ("PERF-004",),
    "static",
    "module",
    "an HTTP client without connection limits: pass limits=httpx.Limits(...)",
)
def client_limits(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in _clients(module):
        if keyword(call, "limits") is None and not has_kwargs_spread(call):
            yield Hit(module.path, call.lineno, call.col_offset + 1)


@check(
    "CLIENT-REQUEST-ID",
    ("OBS-005",),
    "static",
    "module",
    "a shared HTTP client without an event hook passing X-Request-ID on",
)
def client_request_id(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    for call, function in _clients(module):
        shared = function is not None and _returned_or_stored(function, call)
        if shared and keyword(call, "event_hooks") is None and not has_kwargs_spread(call):
            yield Hit(module.path, call.lineno, call.col_offset + 1)
