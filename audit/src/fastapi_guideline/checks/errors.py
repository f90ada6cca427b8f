"""Errors: domain errors in business code, problem documents, nothing internal leaks."""

import ast
import re
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Function, Module, keyword, walk_body

HTTP_EXCEPTIONS = {
    "fastapi.HTTPException",
    "starlette.exceptions.HTTPException",
    "fastapi.exceptions.HTTPException",
}
BUSINESS = {"service", "repository"}
PROBLEM = "application/problem+json"
BUILTIN_ERRORS = {
    "Exception",
    "ValueError",
    "RuntimeError",
    "KeyError",
    "LookupError",
    "PermissionError",
    "AssertionError",
}
EXPECTED = re.compile(
    r"not found|does not exist|doesn't exist|already exists|duplicate|not allowed|forbidden"
    r"|permission|denied|unauthori[sz]ed|conflict|expired|no such",
    re.I,
)
VALIDATORS = {"field_validator", "model_validator", "validator", "root_validator"}
# Annotated[str, AfterValidator(check)]: `check` is a validator too.
VALIDATOR_WRAPPERS = {"AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator"}


@check(
    "HTTP-IN-BUSINESS-CODE",
    ("ERR-003",),
    "static",
    "module",
    "business code (a service or repository) raises HTTPException or imports fastapi: "
    "raise a domain error and map it in a global handler",
)
def http_in_business(module: Module, project: Project) -> Iterator[Hit]:
    if not module.roles & BUSINESS or module.roles & {"router", "test"}:
        return
    for node, _ in module.of(ast.ImportFrom, ast.Import, ast.Raise):
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
            )
            if any(n.split(".")[0] in {"fastapi", "starlette"} for n in names):
                yield Hit(module.path, node.lineno, node.col_offset + 1, "imports fastapi")
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if module.qualname(raised) in HTTP_EXCEPTIONS:
                yield Hit(module.path, node.lineno, node.col_offset + 1, "raises HTTPException")


def _wrapped_validators(module: Module) -> set[str]:
    """Names of the functions the module passes to AfterValidator(...) and its kin."""
    return {
        call.args[0].id
        for call, _ in module.calls
        if module.qualname(call.func).rsplit(".", 1)[-1] in VALIDATOR_WRAPPERS
        and call.args
        and isinstance(call.args[0], ast.Name)
    }


def _is_validator(module: Module, function: Function, wrapped: set[str]) -> bool:
    if function.name in wrapped:
        return True
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if module.qualname(target).rsplit(".", 1)[-1] in VALIDATORS:
            return True
    return False


@check(
    "BUILTIN-ERROR-FOR-EXPECTED",
    ("STR-007",),
    "static",
    "module",
    "an expected failure raised as a builtin exception: raise the domain's error class",
)
def builtin_error(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    wrapped = _wrapped_validators(module)
    for function, _ in module.functions:
        if _is_validator(module, function, wrapped):
            continue
        for node in walk_body(function):
            if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
                continue
            name = module.qualname(node.exc.func)
            if name in BUILTIN_ERRORS and node.exc.args:
                text = ast.unparse(node.exc.args[0])
                if EXPECTED.search(text):
                    yield Hit(module.path, node.lineno, node.col_offset + 1, name)


def _status(call: ast.Call) -> int | None:
    value = keyword(call, "status_code")
    if value is None and len(call.args) > 1:
        value = call.args[1]
    if isinstance(value, ast.Constant) and isinstance(value.value, int):
        return value.value
    if isinstance(value, ast.Attribute):
        match = re.match(r"HTTP_(\d{3})_", value.attr)
        return int(match[1]) if match else None
    return None


@check(
    "AD-HOC-ERROR-BODY",
    ("ERR-001",),
    "static",
    "module",
    "an error response that is not an application/problem+json document",
)
def ad_hoc_error(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        name = module.qualname(call.func).rsplit(".", 1)[-1]
        if name not in {"JSONResponse", "ORJSONResponse", "UJSONResponse", "Response"}:
            continue
        status = _status(call)
        media = keyword(call, "media_type")
        # A media type computed elsewhere (a PROBLEM_JSON constant) gets the benefit of the doubt.
        problem = media is not None and not (
            isinstance(media, ast.Constant) and media.value != PROBLEM
        )
        if status is not None and status >= 400 and not problem:
            yield Hit(module.path, call.lineno, call.col_offset + 1, f"status {status}")


def _exception_handlers(module: Module) -> set[str]:
    """Names of the functions registered as exception handlers in this module."""
    names: set[str] = set()
    for call, _ in module.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "add_exception_handler":
            if len(call.args) > 1 and isinstance(call.args[1], ast.Name):
                names.add(call.args[1].id)
    for function, _ in module.functions:
        for decorator in function.decorator_list:
            if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
                if decorator.func.attr == "exception_handler":
                    names.add(function.name)
    return names


def _handler_functions(module: Module) -> Iterator[Function]:
    names = _exception_handlers(module)
    for function, _ in module.functions:
        if function.name in names:
            yield function


@check(
    "INSTANCE-FULL-URL",
    ("ERR-005",),
    "static",
    "module",
    "`instance` set to the full URL: use request.url.path (the query string may hold secrets)",
)
def instance_url(module: Module, project: Project) -> Iterator[Hit]:
    for node, _ in module.of(ast.Dict, ast.Call):
        pairs: list[tuple[ast.expr | None, ast.expr]] = []
        if isinstance(node, ast.Dict):
            pairs = list(zip(node.keys, node.values, strict=True))
        elif isinstance(node, ast.Call):
            pairs = [(ast.Constant(k.arg), k.value) for k in node.keywords if k.arg]
        for key, value in pairs:
            if isinstance(key, ast.Constant) and key.value == "instance":
                text = ast.unparse(value)
                if re.search(r"\.url\b(?!\.path)", text):
                    yield Hit(module.path, value.lineno, value.col_offset + 1, text)


@check(
    "LEAKY-ERROR-HANDLER",
    ("ERR-004",),
    "static",
    "module",
    "an exception handler sends the exception's text or traceback to the client",
)
def leaky_handler(module: Module, project: Project) -> Iterator[Hit]:
    for function in _handler_functions(module):
        args = [a.arg for a in function.args.args]
        exc = args[1] if len(args) > 1 else "exc"
        for node in walk_body(function):
            if isinstance(node, ast.Call):
                name = module.qualname(node.func)
                uses_exc = any(isinstance(a, ast.Name) and a.id == exc for a in node.args)
                if (name in {"str", "repr"} and uses_exc) or name.startswith("traceback.format"):
                    yield Hit(module.path, node.lineno, node.col_offset + 1, ast.unparse(node))
            if isinstance(node, ast.FormattedValue) and isinstance(node.value, ast.Name):
                if node.value.id == exc:
                    yield Hit(module.path, node.lineno, node.col_offset + 1, "f-string of exc")
