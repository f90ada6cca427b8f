"""Typing and lint hygiene: annotations, no Any, justified ignores, specific exceptions."""

import ast
import re
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Function, Module, innermost_function

TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>[^#]*(#.*)?)")
NOQA = re.compile(r"#\s*noqa(?P<codes>:\s*[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)?(?P<rest>.*)", re.I)
ANY = {"typing.Any", "typing_extensions.Any"}
JSON_LOADERS = {"json.loads", "json.load", "orjson.loads", "ujson.loads"}


def _reason(rest: str) -> bool:
    return bool(rest.strip(" \t#-:;,").strip())


def _comment_above(module: Module, line: int) -> bool:
    above = module.lines[line - 2].strip() if line >= 2 else ""
    return above.startswith("#")


@check(
    "TYPE-IGNORE-REASON",
    ("TYP-005",),
    "static",
    "module",
    "a `# type: ignore` without an error code or a reason",
    everywhere=True,
)
def type_ignore(module: Module, project: Project) -> Iterator[Hit]:
    for line, comment in module.comments.items():
        match = TYPE_IGNORE.search(comment)
        if match is None:
            continue
        if not match["codes"]:
            yield Hit(module.path, line, 1, "no error code")
        elif not _reason(match["rest"] or "") and not _comment_above(module, line):
            yield Hit(module.path, line, 1, "no reason")


@check(
    "NOQA-REASON",
    ("TYP-003",),
    "static",
    "module",
    "a `# noqa` without a rule code or without its reason on the same line",
    everywhere=True,
)
def noqa_reason(module: Module, project: Project) -> Iterator[Hit]:
    for line, comment in module.comments.items():
        match = NOQA.search(comment)
        if match is None:
            continue
        if not match["codes"]:
            yield Hit(module.path, line, 1, "blanket noqa")
        elif not _reason(match["rest"] or ""):
            yield Hit(module.path, line, 1, "no reason")


def _mentions_any(module: Module, node: ast.expr | None) -> bool:
    return node is not None and any(
        isinstance(n, ast.Name | ast.Attribute) and module.qualname(n) in ANY
        for n in ast.walk(node)
    )


def _is_any(module: Module, node: ast.expr | None) -> bool:
    return isinstance(node, ast.Name | ast.Attribute) and module.qualname(node) in ANY


def _waived_ann401(module: Module, function: Function) -> bool:
    end = function.body[0].lineno if function.body else function.lineno
    for line in range(function.lineno, end):
        match = NOQA.search(module.comment(line))
        if match and "ANN401" in (match["codes"] or "") and _reason(match["rest"] or ""):
            return True
    return False


@check(
    "ANY-TYPE",
    ("TYP-004",),
    "static",
    "module",
    "Any in a signature or a model: validate into a model or a TypeAdapter",
    everywhere=True,
)
def any_type(module: Module, project: Project) -> Iterator[Hit]:
    for function, _ in module.functions:
        args = function.args
        annotations = [a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        annotations += [function.returns]
        if any(_is_any(module, a) for a in annotations) and not _waived_ann401(module, function):
            yield Hit(module.path, function.lineno, function.col_offset + 1, function.name)
    for node, _ in module.classes:
        if not project.is_pydantic(module, node):
            continue
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and _mentions_any(module, item.annotation):
                yield Hit(module.path, item.lineno, item.col_offset + 1, "model field")


@check(
    "ANY-JSON",
    ("TYP-004",),
    "static",
    "module",
    "parsed JSON returned as Any: validate it into a model at the boundary",
    everywhere=True,
)
def any_json(module: Module, project: Project) -> Iterator[Hit]:
    for function, _ in module.functions:
        if not _is_any(module, function.returns):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = module.qualname(func)
                if name in JSON_LOADERS or (
                    isinstance(func, ast.Attribute) and func.attr == "json"
                ):
                    yield Hit(module.path, node.lineno, node.col_offset + 1, function.name)


@check(
    "FUTURE-ANNOTATIONS",
    ("TYP-002",),
    "static",
    "module",
    "string annotations (`from __future__ import annotations`, quoted or TYPE_CHECKING-only "
    "names): frameworks resolve annotations at run time",
    everywhere=True,
)
def future_annotations(module: Module, project: Project) -> Iterator[Hit]:
    for node, _ in module.of(ast.ImportFrom, ast.If):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            if any(alias.name == "annotations" for alias in node.names):
                yield Hit(module.path, node.lineno, node.col_offset + 1)
        if isinstance(node, ast.If) and module.qualname(node.test).endswith("TYPE_CHECKING"):
            for statement in node.body:
                if isinstance(statement, ast.Import | ast.ImportFrom):
                    yield Hit(
                        module.path, statement.lineno, statement.col_offset + 1, "TYPE_CHECKING"
                    )
    for node, _ in module.classes:
        if project.is_pydantic(module, node):
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.annotation, ast.Constant):
                    yield Hit(module.path, item.lineno, item.col_offset + 1, "quoted annotation")


@check(
    "UNANNOTATED-DEF",
    ("TYP-001",),
    "static",
    "module",
    "a function without full type annotations",
    everywhere=True,
)
def unannotated(module: Module, project: Project) -> Iterator[Hit]:
    for function, scope in module.functions:
        args = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        if scope and isinstance(scope[-1], ast.ClassDef) and args:
            args = args[1:]  # self / cls
        extra = [a for a in (function.args.vararg, function.args.kwarg) if a is not None]
        missing = [a.arg for a in [*args, *extra] if a.annotation is None]
        if function.returns is None:
            missing.append("return")
        if missing:
            yield Hit(module.path, function.lineno, function.col_offset + 1, ", ".join(missing))


BROAD = {"Exception", "BaseException"}


def _default_only(body: list[ast.stmt], *, answers: bool = True) -> bool:
    """A handler that only passes, continues or returns a constant, an empty value or None.

    With `answers=False`, True and False do not count: "does it match?" answered False on
    an error is an answer, not a default.
    """
    for statement in body:
        if isinstance(statement, ast.Pass | ast.Continue):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring-like string or `...`
        if isinstance(statement, ast.Return):
            value = statement.value
            if isinstance(value, ast.Constant) and isinstance(value.value, bool) and not answers:
                return False
            if value is None or isinstance(value, ast.Constant):
                continue
            if isinstance(value, ast.List | ast.Dict | ast.Tuple | ast.Set) and not getattr(
                value, "elts", getattr(value, "keys", [])
            ):
                continue
            if (
                isinstance(value, ast.Call)
                and not value.keywords
                and all(isinstance(a, ast.Constant) for a in value.args)
            ):
                continue  # Decimal(0), list(), dict(); Result(ok=False, error=...) says what failed
        return False
    return True


def _handlers(module: Module) -> Iterator[ast.ExceptHandler]:
    for node, _ in module.of(ast.ExceptHandler):
        if isinstance(node, ast.ExceptHandler):
            yield node


def _broad(module: Module, handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(module.qualname(t).rsplit(".", 1)[-1] in BROAD for t in types)


@check(
    "BROAD-EXCEPT",
    ("AIM-001",),
    "static",
    "module",
    "a bare `except:` or `except Exception` that swallows the error",
    everywhere=True,
)
def broad_except(module: Module, project: Project) -> Iterator[Hit]:
    for handler in _handlers(module):
        if handler.type is None or (
            _broad(module, handler) and _default_only(handler.body, answers=False)
        ):
            yield Hit(module.path, handler.lineno, handler.col_offset + 1)


@check(
    "ERROR-AS-DEFAULT",
    ("AIM-001",),
    "static",
    "module",
    "an error turned into a default value the caller cannot tell from real data",
)
def error_as_default(module: Module, project: Project) -> Iterator[Hit]:
    for handler, scope in module.of(ast.ExceptHandler):
        if not isinstance(handler, ast.ExceptHandler):
            continue
        body = handler.body
        # A bare `return` ends the function (or a generator); it hands back no value.
        valued = any(isinstance(s, ast.Return) and s.value is not None for s in body)
        if not valued or not _default_only(body, answers=False):
            continue
        function = innermost_function(scope)
        if function is not None and _none_is_declared(function, body):
            continue  # `-> X | None`: None is the declared "no result", not a disguised value
        yield Hit(module.path, handler.lineno, handler.col_offset + 1)


def _none_is_declared(function: Function, body: list[ast.stmt]) -> bool:
    returns = [s.value for s in body if isinstance(s, ast.Return)]
    only_none = all(v is None or (isinstance(v, ast.Constant) and v.value is None) for v in returns)
    annotation = ast.unparse(function.returns) if function.returns else ""
    return only_none and ("None" in annotation or "Optional" in annotation)
