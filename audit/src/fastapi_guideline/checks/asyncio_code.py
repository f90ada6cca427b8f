"""Blocking calls made from `async def`: they stall every other request of the worker."""

import ast
from collections.abc import Iterator

from fastapi_guideline.project import SDK, SLEEP, Project, blocking_http
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Module, Scope, in_async, innermost_function


def _shadowed(call: ast.Call, scope: Scope) -> bool:
    """`requests.pop()` where `requests` is a parameter, not the library."""
    function = innermost_function(scope)
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    names = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)} if function else set()
    return isinstance(root, ast.Name) and root.id in names


def _async_calls(module: Module) -> Iterator[tuple[str, Hit]]:
    for call, scope in module.calls:
        if in_async(scope) and id(call) not in module.in_lambda and not _shadowed(call, scope):
            name = module.imported(call.func)
            yield name, Hit(module.path, call.lineno, call.col_offset + 1, name)


@check(
    "BLOCKING-SLEEP",
    ("EXT-006",),
    "static",
    "module",
    "time.sleep() inside async def blocks the event loop: await asyncio.sleep()",
)
def blocking_sleep(module: Module, project: Project) -> Iterator[Hit]:
    for name, hit in _async_calls(module):
        if name in SLEEP:
            yield hit


@check(
    "BLOCKING-HTTP",
    ("APP-002",),
    "static",
    "module",
    "synchronous HTTP inside async def blocks the event loop: use the shared httpx.AsyncClient",
)
def blocking_http_call(module: Module, project: Project) -> Iterator[Hit]:
    for name, hit in _async_calls(module):
        if blocking_http(name):
            yield hit


@check(
    "BLOCKING-SDK",
    ("EXT-006",),
    "static",
    "module",
    "a blocking call inside async def: run it with asyncio.to_thread() or run_in_threadpool()",
)
def blocking_sdk(module: Module, project: Project) -> Iterator[Hit]:
    for call, scope in module.calls:
        if not in_async(scope) or id(call) in module.in_lambda:
            continue
        name = module.imported(call.func)
        target = project.resolve(module, call.func)
        if name in SDK:
            yield Hit(module.path, call.lineno, call.col_offset + 1, name)
        elif target is not None and target in project.blocking_functions:
            inner = project.blocking_functions[target]
            yield Hit(module.path, call.lineno, call.col_offset + 1, f"{target[1]}() calls {inner}")
