"""Find the changes between two OpenAPI documents that break existing clients.

Pure functions over the parsed JSON: a client written against the old document
must keep working against the new one. Additions (a new path, an optional request
field, an extra response field) are not breaking; removals and narrowing are.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

JSONObject: TypeAlias = Mapping[str, Any]
ChangeKind = Literal[
    "removed path",
    "removed operation",
    "removed response field",
    "new required request field",
    "changed field type",
]
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
MAX_REFERENCE_HOPS = 32  # stops a $ref chain that points at itself
_Seen: TypeAlias = frozenset[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class BreakingChange:
    """One change that breaks clients, with where it happened."""

    kind: ChangeKind
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.detail}"


@dataclass(frozen=True, slots=True)
class _Side:
    """A schema together with the document its references point into."""

    document: JSONObject
    schema: JSONObject

    def resolve(self) -> "_Side":
        schema = self.schema
        for _ in range(MAX_REFERENCE_HOPS):
            reference = schema.get("$ref")
            if not isinstance(reference, str) or not reference.startswith("#/"):
                break
            node: Any = self.document
            for part in reference.removeprefix("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            schema = node
        return _Side(self.document, schema)

    def at(self, schema: JSONObject) -> "_Side":
        return _Side(self.document, schema)


def _types(side: _Side) -> frozenset[str]:
    """The JSON types a schema allows; empty means any value."""
    schema = side.resolve().schema
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(declared)
    members = [*schema.get("anyOf", ()), *schema.get("oneOf", ())]
    if members:
        member_types = [_types(side.at(member)) for member in members]
        if any(not types for types in member_types):
            return frozenset()
        return frozenset().union(*member_types)
    if "properties" in schema:
        return frozenset({"object"})
    return frozenset()


def _within(inner: frozenset[str], outer: frozenset[str]) -> bool:
    """Whether every value of `inner` types is also a value of `outer` types."""
    if not outer:
        return True
    if not inner:
        return False
    return all(
        kind in outer or (kind == "integer" and "number" in outer) for kind in inner
    )


def _variants(side: _Side) -> Iterator[JSONObject]:
    """The schema itself and the members it combines (Optional[X] is anyOf)."""
    schema = side.resolve().schema
    yield schema
    for keyword in ("allOf", "anyOf", "oneOf"):
        for member in schema.get(keyword, ()):
            yield from _variants(side.at(member))


def _properties(side: _Side) -> dict[str, JSONObject]:
    return {
        name: value
        for variant in _variants(side)
        for name, value in variant.get("properties", {}).items()
    }


def _required(side: _Side) -> set[str]:
    schema = side.resolve().schema
    names = set(schema.get("required", ()))
    for member in schema.get("allOf", ()):
        names |= _required(side.at(member))
    return names


def _items(side: _Side) -> JSONObject | None:
    for variant in _variants(side):
        items = variant.get("items")
        if isinstance(items, Mapping):
            return items
    return None


def _describe(types: frozenset[str]) -> str:
    return " | ".join(sorted(types)) or "any"


def _field(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _response_changes(
    old: _Side, new: _Side, where: str, field: str = "", seen: _Seen = frozenset()
) -> Iterator[BreakingChange]:
    """A response breaks clients when it drops a field or returns other types."""
    pair = (id(old.resolve().schema), id(new.resolve().schema))
    if pair in seen:  # a recursive schema: this pair is already being compared
        return
    seen |= {pair}
    old_types, new_types = _types(old), _types(new)
    if not _within(new_types, old_types):
        detail = f"{_describe(old_types)} -> {_describe(new_types)}"
        yield BreakingChange(
            "changed field type", f"'{field or '<body>'}' ({detail}) in {where}"
        )
        return
    new_properties = _properties(new)
    for name, old_property in _properties(old).items():
        path = _field(field, name)
        if name not in new_properties:
            yield BreakingChange("removed response field", f"'{path}' in {where}")
            continue
        yield from _response_changes(
            old.at(old_property), new.at(new_properties[name]), where, path, seen
        )
    old_items, new_items = _items(old), _items(new)
    if old_items is not None and new_items is not None:
        yield from _response_changes(
            old.at(old_items), new.at(new_items), where, f"{field}[]", seen
        )


def _request_changes(
    old: _Side, new: _Side, where: str, field: str = "", seen: _Seen = frozenset()
) -> Iterator[BreakingChange]:
    """A request breaks clients when it demands a new field or accepts fewer types."""
    pair = (id(old.resolve().schema), id(new.resolve().schema))
    if pair in seen:  # a recursive schema: this pair is already being compared
        return
    seen |= {pair}
    old_types, new_types = _types(old), _types(new)
    if not _within(old_types, new_types):
        detail = f"{_describe(old_types)} -> {_describe(new_types)}"
        yield BreakingChange(
            "changed field type", f"'{field or '<body>'}' ({detail}) in {where}"
        )
        return
    old_required = _required(old)
    for name in sorted(_required(new) - old_required):
        path = _field(field, name)
        yield BreakingChange("new required request field", f"'{path}' in {where}")
    old_properties = _properties(old)
    for name, new_property in _properties(new).items():
        if name in old_properties:
            yield from _request_changes(
                old.at(old_properties[name]),
                new.at(new_property),
                where,
                _field(field, name),
                seen,
            )
    old_items, new_items = _items(old), _items(new)
    if old_items is not None and new_items is not None:
        yield from _request_changes(
            old.at(old_items), new.at(new_items), where, f"{field}[]", seen
        )


def _parameters(
    document: JSONObject, operation: JSONObject
) -> dict[tuple[str, str], JSONObject]:
    found: dict[tuple[str, str], JSONObject] = {}
    for parameter in operation.get("parameters", ()):
        resolved = _Side(document, parameter).resolve().schema
        found[resolved["in"], resolved["name"]] = resolved
    return found


def _parameter_changes(
    old_document: JSONObject,
    new_document: JSONObject,
    old_operation: JSONObject,
    new_operation: JSONObject,
    where: str,
) -> Iterator[BreakingChange]:
    old_parameters = _parameters(old_document, old_operation)
    for (location, name), new_parameter in _parameters(
        new_document, new_operation
    ).items():
        old_parameter = old_parameters.get((location, name))
        was_required = old_parameter is not None and old_parameter.get("required")
        place = f"{location} parameters of {where}"
        if new_parameter.get("required") and not was_required:
            yield BreakingChange("new required request field", f"'{name}' in {place}")
        if old_parameter is not None:
            yield from _request_changes(
                _Side(old_document, old_parameter.get("schema", {})),
                _Side(new_document, new_parameter.get("schema", {})),
                place,
                name,
            )


def _media(document: JSONObject, holder: JSONObject | None) -> dict[str, JSONObject]:
    if holder is None:
        return {}
    resolved = _Side(document, holder).resolve().schema
    content = resolved.get("content", {})
    return {media: body.get("schema", {}) for media, body in content.items()}


def _body_changes(
    old_document: JSONObject,
    new_document: JSONObject,
    old_operation: JSONObject,
    new_operation: JSONObject,
    where: str,
) -> Iterator[BreakingChange]:
    old_body = old_operation.get("requestBody")
    new_body = new_operation.get("requestBody")
    old_required = bool(
        old_body and _Side(old_document, old_body).resolve().schema.get("required")
    )
    new_required = bool(
        new_body and _Side(new_document, new_body).resolve().schema.get("required")
    )
    if new_required and not old_required:
        yield BreakingChange("new required request field", f"'<body>' in {where}")
    new_media = _media(new_document, new_body)
    for media, old_schema in _media(old_document, old_body).items():
        if media in new_media:
            yield from _request_changes(
                _Side(old_document, old_schema),
                _Side(new_document, new_media[media]),
                f"request body ({media}) of {where}",
            )


def _responses_changes(
    old_document: JSONObject,
    new_document: JSONObject,
    old_operation: JSONObject,
    new_operation: JSONObject,
    where: str,
) -> Iterator[BreakingChange]:
    new_responses = new_operation.get("responses", {})
    for status, old_response in old_operation.get("responses", {}).items():
        if status not in new_responses:
            continue
        new_media = _media(new_document, new_responses[status])
        for media, old_schema in _media(old_document, old_response).items():
            if media in new_media:
                yield from _response_changes(
                    _Side(old_document, old_schema),
                    _Side(new_document, new_media[media]),
                    f"response {status} ({media}) of {where}",
                )


def breaking_changes(old: JSONObject, new: JSONObject) -> list[BreakingChange]:
    """Every change from `old` to `new` that breaks a client written against `old`."""
    changes: list[BreakingChange] = []
    new_paths = new.get("paths", {})
    for path, old_item in old.get("paths", {}).items():
        new_item = new_paths.get(path)
        if new_item is None:
            changes.append(BreakingChange("removed path", path))
            continue
        for method in HTTP_METHODS:
            if method not in old_item:
                continue
            where = f"{method.upper()} {path}"
            if method not in new_item:
                changes.append(BreakingChange("removed operation", where))
                continue
            old_operation, new_operation = old_item[method], new_item[method]
            for compare in (_parameter_changes, _body_changes, _responses_changes):
                changes.extend(compare(old, new, old_operation, new_operation, where))
    return changes


def report(changes: list[BreakingChange]) -> str:
    """One `BREAKING:` line per change, for a test failure message."""
    return "\n".join(f"BREAKING: {change}" for change in changes)
