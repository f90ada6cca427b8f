"""Route contracts, read from the imported app: documented, typed, versioned, bounded."""

import collections.abc
import re
import typing
from collections.abc import Iterator

from fastapi_guideline.registry import Hit, check
from fastapi_guideline.target import AppTarget, source_line

OPERATIONS = re.compile(r"^/(healthz|readyz|livez|health|metrics|ping)(/|$)")
VERSIONED = re.compile(r"/v\d+(/|$)")
VERB = re.compile(r"^(get|list|fetch|create|add|update|delete|remove|set|do|make)([A-Z_-]|$)")
LIMIT_NAMES = {"limit", "page_size", "per_page", "size"}
SEQUENCES = {list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Iterable}


def _routes(target: AppTarget) -> Iterator[tuple[typing.Any, Hit]]:
    for route, path, line in target.routes:
        label = f"{','.join(sorted(route.methods))} {route.path}"
        yield route, Hit(path, line, 1, route=label)


def _with(hit: Hit, detail: str) -> Hit:
    return Hit(hit.path, hit.line, hit.col, detail, hit.route)


def _public(route: typing.Any) -> bool:  # noqa: ANN401 - APIRoute
    return bool(route.include_in_schema) and not OPERATIONS.match(route.path)


def params(dependant: typing.Any, kind: str) -> list[typing.Any]:  # noqa: ANN401 - FastAPI's Dependant
    """The `kind` parameters (query_params, ...) of a dependant and all its sub-dependencies."""
    found = list(getattr(dependant, kind, []))
    for sub in getattr(dependant, "dependencies", []):
        found += params(sub, kind)
    return found


def _takes_input(route: typing.Any) -> bool:  # noqa: ANN401 - APIRoute
    kinds = ("path_params", "query_params", "header_params", "cookie_params", "body_params")
    dependant = route.dependant
    return any(params(dependant, k) for k in kinds) or bool(dependant.dependencies)


@check("ROUTE-STATUS-CODE", ("API-002",), "app", "app", "the route does not declare status_code=")
def route_status(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if route.status_code is None and route.include_in_schema:
            yield hit


@check(
    "ROUTE-RESPONSE-MODEL",
    ("API-002",),
    "app",
    "app",
    "the route declares no response model (return annotation or response_model=)",
)
def route_response_model(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if route.response_model is None and route.status_code != 204 and _public(route):
            if 200 not in route.responses and "200" not in route.responses:
                yield hit


def _untyped(annotation: object) -> bool:
    if annotation is typing.Any or annotation in {dict, object}:
        return True
    origin = typing.get_origin(annotation)
    if origin in {dict, collections.abc.Mapping}:
        return True
    if origin in SEQUENCES | {typing.Union}:
        return any(_untyped(arg) for arg in typing.get_args(annotation))
    return False


@check(
    "ROUTE-UNTYPED-BODY",
    ("API-001",),
    "app",
    "app",
    "a raw dict or Any as request or response body: declare a Pydantic model",
)
def route_untyped(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if route.response_model is not None and _untyped(route.response_model):
            yield _with(hit, "response")
        body = route.body_field
        if body is not None and _untyped(getattr(body.field_info, "annotation", None)):
            yield _with(hit, "request body")


@check(
    "ROUTE-SUMMARY",
    ("API-002",),
    "app",
    "app",
    "the route has no summary=",
)
def route_summary(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if not route.summary and route.include_in_schema:
            yield hit


@check(
    "ROUTE-DESCRIPTION",
    ("API-002",),
    "app",
    "app",
    "the route has no description (description= or a docstring)",
)
def route_description(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if not (route.description or "").strip() and route.include_in_schema:
            yield hit


@check("ROUTE-TAGS", ("API-002",), "app", "app", "the route belongs to no tag")
def route_tags(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if not route.tags and _public(route):
            yield hit


@check(
    "ROUTE-ERROR-RESPONSES",
    ("API-002",),
    "app",
    "app",
    "the route documents none of its error responses (responses=)",
)
def route_errors(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        codes = {int(code) for code in route.responses if str(code).isdigit()}
        if (
            not any(code >= 400 for code in codes)
            and _takes_input(route)
            and route.include_in_schema
        ):
            yield hit


@check(
    "ROUTE-UNVERSIONED",
    ("DOC-001",),
    "app",
    "app",
    "a public route outside a version prefix (/api/v1/...)",
)
def route_unversioned(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if _public(route) and not VERSIONED.search(route.path):
            yield hit


@check(
    "ROUTE-VERB-IN-PATH",
    ("API-004",),
    "app",
    "app",
    "a verb in the path: name the resource and let the HTTP method say what happens",
)
def route_verb(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        for segment in route.path.strip("/").split("/"):
            if not segment.startswith("{") and VERB.match(segment):
                yield _with(hit, segment)
                break


def _is_list(model: object) -> bool:
    if typing.get_origin(model) in SEQUENCES:
        return True
    fields = getattr(model, "model_fields", {})
    items = fields.get("items")
    return items is not None and typing.get_origin(items.annotation) in SEQUENCES


def _bound(field: typing.Any) -> int | None:  # noqa: ANN401 - FastAPI's ModelField
    for item in getattr(field.field_info, "metadata", []):
        for name in ("le", "lt"):
            value = getattr(item, name, None)
            if isinstance(value, int):
                return value - (name == "lt")
    return None


@check(
    "LIST-LIMIT",
    ("PAGE-001",),
    "app",
    "app",
    "a list endpoint without a validated limit (default 50, at most 100)",
)
def list_limit(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        if "GET" not in route.methods:
            continue
        limits = [f for f in params(route.dependant, "query_params") if f.name in LIMIT_NAMES]
        if not limits:
            if _is_list(route.response_model):
                yield _with(hit, "no limit parameter")
            continue
        for field in limits:
            bound = _bound(field)
            default = field.field_info.default
            if bound is None or bound > 100:
                yield _with(hit, f"{field.name} has no maximum <= 100")
            elif default != 50:
                yield _with(hit, f"{field.name} defaults to {default!r}, not 50")


@check(
    "BODY-NOT-STRICT",
    ("SEC-008",),
    "app",
    "app",
    "a request body model that accepts unknown fields or unbounded strings",
)
def body_not_strict(target: AppTarget) -> Iterator[Hit]:
    for route, hit in _routes(target):
        body = route.body_field
        model = getattr(getattr(body, "field_info", None), "annotation", None)
        fields = getattr(model, "model_fields", None)
        where = source_line(model) if fields is not None else None
        if body is None or fields is None or where is None or where[0] not in target.files:
            continue  # FastAPI's generated form bodies, or a library's model
        if getattr(model, "model_config", {}).get("extra") != "forbid":
            yield _with(hit, f"{model.__name__} does not forbid extra fields")  # type: ignore[union-attr]  # a model class here
        for name, info in fields.items():
            if info.annotation is str and not any(
                getattr(m, "max_length", None) for m in info.metadata
            ):
                yield _with(hit, f"{model.__name__}.{name} has no max_length")  # type: ignore[union-attr]  # a model class here
                break
