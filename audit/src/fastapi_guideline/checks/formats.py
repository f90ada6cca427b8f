"""Formats: aware UTC datetimes everywhere, money as Decimal, never float."""

import ast
import re
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Module, keyword, route_decorator

MONEY = re.compile(
    r"(^|_)(amount|price|cost|total|balance|fee|fees|salary|money|subtotal|tax|vat|payment"
    r"|revenue|refund|wage)(_|$)",
    re.I,
)
UNITS = re.compile(r"_(seconds|secs|ms|ratio|rate|share|percent|pct|count|weight|score)$", re.I)
NAIVE_FACTORIES = {
    "datetime.datetime.utcnow",
    "datetime.datetime.utcfromtimestamp",
    "datetime.datetime.today",
}


@check(
    "NAIVE-DATETIME",
    ("AGT-001",),  # FMT-001 is about what the API sends: NAIVE-DATETIME-FIELD's (FMT-002)
    "static",
    "module",
    "a naive datetime (utcnow(), now() or datetime(...) without tz): use datetime.now(UTC)",
)
def naive_datetime(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        name = module.qualname(call.func)
        if name in NAIVE_FACTORIES:
            yield Hit(module.path, call.lineno, call.col_offset + 1, name.rsplit(".", 1)[-1] + "()")
        elif name in {"datetime.datetime.now", "datetime.datetime.fromtimestamp"}:
            positional = 1 if name.endswith("now") else 2
            if len(call.args) < positional and keyword(call, "tz") is None:
                yield Hit(module.path, call.lineno, call.col_offset + 1, "no tz")
        elif name == "datetime.datetime" and len(call.args) >= 3:
            if len(call.args) < 8 and keyword(call, "tzinfo") is None:
                yield Hit(module.path, call.lineno, call.col_offset + 1, "no tzinfo")


def _plain_datetime(module: Module, annotation: ast.expr) -> bool:
    for node in ast.walk(annotation):
        if isinstance(node, ast.Subscript) and module.qualname(node.value).endswith("Annotated"):
            return False  # Annotated[datetime, AfterValidator(...)]: the project's own type
    return any(
        isinstance(n, ast.Name | ast.Attribute) and module.qualname(n) == "datetime.datetime"
        for n in ast.walk(annotation)
    )


def _input_models(module: Module) -> set[str]:
    """Models that parse what a client sends: route parameters and model_validate_json()."""
    names: set[str] = set()
    for function, _ in module.functions:
        if route_decorator(module, function) is not None:
            for arg in function.args.args + function.args.kwonlyargs:
                if arg.annotation is not None:
                    names.update(n.id for n in ast.walk(arg.annotation) if isinstance(n, ast.Name))
    for call, _ in module.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "model_validate_json":
            if isinstance(func.value, ast.Name):
                names.add(func.value.id)
    return names


@check(
    "NAIVE-DATETIME-FIELD",
    ("FMT-002",),
    "static",
    "project",
    "a request model's datetime field accepts naive values: use AwareDatetime (or a UTC alias)",
)
def naive_field(project: Project) -> Iterator[Hit]:
    inputs = {name for module in project.modules for name in _input_models(module)}
    for module in project.modules:
        for node, _ in module.classes:
            if node.name not in inputs or not project.is_pydantic(module, node):
                continue
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and _plain_datetime(module, item.annotation):
                    yield Hit(
                        module.path, item.lineno, item.col_offset + 1, ast.unparse(item.target)
                    )


def _float(annotation: ast.expr) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "float" for n in ast.walk(annotation))


@check(
    "FLOAT-MONEY",
    ("FMT-005",),
    "static",
    "module",
    "money typed float: use Decimal (serialized as a decimal string) with a currency",
)
def float_money(module: Module, project: Project) -> Iterator[Hit]:
    for node, _ in module.classes:
        for item in node.body:
            if (
                isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and MONEY.search(item.target.id)
                and not UNITS.search(item.target.id)
                and _float(item.annotation)
            ):
                yield Hit(module.path, item.lineno, item.col_offset + 1, item.target.id)
