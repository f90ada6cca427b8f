"""The example service's HTTP API contract: generated from the app, rendered as Markdown.

`document()` asks the example app itself for its OpenAPI document, in a child process started
in `snippets/` with an empty environment (building the app needs no variable, and the site build
must never pick up a developer's `DATABASE_URL`). `render()` turns the document into plain
Markdown (headings and tables, no script), so the reference page needs no JavaScript, works under
the site's Content-Security-Policy as it is, is found by the site search, and reads the same in
the MkDocs and the Zensical build. The page calls it through `guidebook.macros`.

The page stays short enough to scan: each operation shows its heading, description and
authentication, and folds its parameters, body and responses into a `<details>` block whose
summary lists the statuses it answers, in numeric order. Media types break after `/` and
before `+` on a narrow screen, never inside a word.
"""

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidebook.paths import SNIPPETS

OPENAPI_JSON = "openapi.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Dummy settings: the document does not depend on them, `docs_enabled` must be on.
_DUMP = """
import json, sys
from app.core.config import Settings
from app.main import create_app

settings = Settings(
    database_url="postgresql+asyncpg://docs:docs@localhost:5432/docs",
    jwt_secret="x" * 32,
    docs_enabled=True,
)
json.dump(create_app(settings).openapi(), sys.stdout)
"""
_KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


class OpenAPIError(RuntimeError):
    """The example app could not produce its OpenAPI document."""


@dataclass(frozen=True)
class Operation:
    """One operation of the document: where it lives and the anchor of its section."""

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    spec: dict[str, Any]

    @property
    def anchor(self) -> str:
        return "op-" + slug(self.operation_id or f"{self.method}-{self.path}")


def document(project: Path = SNIPPETS) -> dict[str, Any]:
    """The example app's OpenAPI document, as `app.openapi()` returns it."""
    env = {key: os.environ[key] for key in _KEEP_ENV if key in os.environ}
    done = subprocess.run(
        [sys.executable, "-c", _DUMP],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise OpenAPIError(f"the example app did not produce its OpenAPI document:\n{done.stderr}")
    doc: dict[str, Any] = json.loads(done.stdout)
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """The published form of the document: indented, in FastAPI's key order, one final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def slug(text: str) -> str:
    """A lower-case HTML id fragment."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def operations(doc: dict[str, Any]) -> list[Operation]:
    """Every operation of the document, in document order."""
    found = []
    for path, item in doc.get("paths", {}).items():
        for method, spec in item.items():
            if method not in METHODS:
                continue
            tags = spec.get("tags") or ["default"]
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=str(spec.get("operationId", "")),
                    summary=str(spec.get("summary", "")),
                    tag=str(tags[0]),
                    spec=spec,
                )
            )
    return found


# ---------------------------------------------------------------- rendering helpers


def _cell(text: object) -> str:
    """Text for a table cell: escaped, on one line, pipes neutralised."""
    one_line = " ".join(str(text).split())
    return html.escape(one_line, quote=False).replace("|", "&#124;")


# Markdown still reads inside raw `<code>`: a regex such as `[^a][^b]*x*` would
# become a reference link and an emphasis. As entities, these are only text.
# (`_` stays: Python-Markdown does not read it inside a word, and names have it.)
_MARKDOWN_ENTITIES = str.maketrans(
    {"[": "&#91;", "]": "&#93;", "*": "&#42;", "\\": "&#92;", "`": "&#96;"}
)


def _code(text: object) -> str:
    """Inline code that is safe inside a table cell."""
    return f"<code>{_cell(text).translate(_MARKDOWN_ENTITIES)}</code>"


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def schema_anchor(name: str) -> str:
    """The id of a component schema's section."""
    return "schema-" + slug(name)


def _scalar_type(schema: dict[str, Any]) -> str:
    """`const`, `enum`, a list of types or one type with its format."""
    kind = schema.get("type")
    if "const" in schema:
        return _code(json.dumps(schema["const"]))
    if "enum" in schema:
        return "one of " + ", ".join(_code(json.dumps(value)) for value in schema["enum"])
    if isinstance(kind, list):
        return " or ".join(_cell(k) for k in kind)
    text = _cell(kind or "any")
    if "format" in schema:
        text += f" ({_cell(schema['format'])})"
    return text


def type_of(schema: dict[str, Any]) -> str:
    """A short, linked description of a schema's type: `array of TaskRead`, `string or null`."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return f"[{_cell(name)}](#{schema_anchor(name)})"
    for key, joiner in (("anyOf", " or "), ("oneOf", " or "), ("allOf", " & ")):
        if key in schema:
            return joiner.join(type_of(option) for option in schema[key])
    if schema.get("type") == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    return _scalar_type(schema)


_CONSTRAINTS = (
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("minimum", "≥"),
    ("exclusiveMinimum", ">"),
    ("maximum", "≤"),
    ("exclusiveMaximum", "<"),
    ("minItems", "min items"),
    ("maxItems", "max items"),
    ("pattern", "pattern"),
)


def notes(schema: dict[str, Any]) -> str:
    """Description, then constraints and default of a property or parameter, for one cell."""
    facts = [f"{label} {_code(schema[key])}" for key, label in _CONSTRAINTS if key in schema]
    if schema.get("deprecated"):
        facts.append("**deprecated**")
    if "default" in schema:
        facts.append(f"default {_code(json.dumps(schema['default']))}")
    description = _cell(schema.get("description", ""))
    return " ".join(part for part in (description, ", ".join(facts)) if part)


def _resolve(doc: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` to a component (parameters, responses, request bodies)."""
    ref = spec.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return spec
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part]
    resolved: dict[str, Any] = node
    return resolved


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return [*lines, ""]


def media_type(media: str) -> str:
    """A media type as inline code that may break after `/` and before `+`, nowhere else."""
    text = _cell(media).replace("/", "/<wbr>").replace("+", "<wbr>+")
    return f"<code>{text}</code>"


def _content_cell(content: dict[str, Any]) -> str:
    return "<br>".join(
        f"{media_type(media)}: {type_of(body.get('schema', {}))}"
        if body.get("schema")
        else media_type(media)
        for media, body in content.items()
    )


def status_order(status: str) -> tuple[int, str]:
    """Sort key for response statuses: numeric order, ranges (`4XX`) after their codes, then
    `default`."""
    code = status.upper()
    if code.isdigit():
        return (int(code), "")
    if len(code) == 3 and code[0].isdigit() and code[1:] == "XX":
        return (int(code[0]) * 100 + 99, code)
    return (1000, code)


# ---------------------------------------------------------------- the page


def _security(doc: dict[str, Any], spec: dict[str, Any]) -> str | None:
    requirements = spec.get("security", doc.get("security"))
    if not requirements:
        return None
    schemes = doc.get("components", {}).get("securitySchemes", {})
    names = []
    for requirement in requirements:
        for name in requirement:
            scheme = schemes.get(name, {})
            kind = scheme.get("type", "")
            detail = "bearer token" if kind in {"oauth2", "http"} else kind
            names.append(f"{_code(name)} ({detail})" if detail else _code(name))
    return "**Authentication:** " + ", ".join(names)


def render_operation(doc: dict[str, Any], operation: Operation) -> Iterator[str]:
    """The Markdown section of one operation."""
    spec = operation.spec
    title = f" · {operation.summary}" if operation.summary else ""
    yield f"### `{operation.method}` `{operation.path}`{title} {{ #{operation.anchor} }}"
    yield ""
    if spec.get("deprecated"):
        yield "**Deprecated.** Kept for existing clients; do not use it in new code."
        yield ""
    if spec.get("description"):
        yield " ".join(str(spec["description"]).split())
        yield ""
    security = _security(doc, spec)
    if security:
        yield security
        yield ""
    details = list(_operation_details(doc, spec))
    if details:
        statuses = sorted(spec.get("responses", {}), key=status_order)
        parts = ["parameters"] if spec.get("parameters") else []
        parts += ["request body"] if spec.get("requestBody") else []
        parts += ["responses"] if statuses else []
        what = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        answers = f": {', '.join(statuses)}" if statuses else ""
        yield f'??? abstract "{what.capitalize()}{_cell(answers)}"'
        yield ""
        yield from (f"    {line}" if line else "" for line in details)


def _operation_details(doc: dict[str, Any], spec: dict[str, Any]) -> Iterator[str]:
    """The parameter table, the request body and the response table of one operation."""
    parameters = [_resolve(doc, p) for p in spec.get("parameters", [])]
    if parameters:
        rows = [
            (
                _code(p["name"]),
                _cell(p.get("in", "")),
                type_of(p.get("schema", {})),
                "yes" if p.get("required") else "no",
                notes({**p.get("schema", {}), **{k: v for k, v in p.items() if k != "schema"}}),
            )
            for p in parameters
        ]
        yield "**Parameters**"
        yield ""
        yield from _table(("Name", "In", "Type", "Required", "Notes"), rows)
    body = spec.get("requestBody")
    if body:
        body = _resolve(doc, body)
        required = "required" if body.get("required") else "optional"
        yield f"**Request body** ({required}): {_content_cell(body.get('content', {}))}"
        yield ""
    responses = spec.get("responses", {})
    if responses:
        resolved = {
            status: _resolve(doc, responses[status])
            for status in sorted(responses, key=status_order)
        }
        answers = [
            (
                _code(status),
                _cell(response.get("description", "")),
                _content_cell(response.get("content", {})) or "no body",
            )
            for status, response in resolved.items()
        ]
        yield "**Responses**"
        yield ""
        yield from _table(("Status", "Description", "Body"), answers)


def render_schema(name: str, schema: dict[str, Any]) -> Iterator[str]:
    """The Markdown section of one component schema."""
    yield f"### {_cell(name)} {{ #{schema_anchor(name)} }}"
    yield ""
    if schema.get("description"):
        yield " ".join(str(schema["description"]).split())
        yield ""
    properties: dict[str, Any] = schema.get("properties", {})
    if properties:
        required = set(schema.get("required", []))
        rows = [
            (_code(prop), type_of(spec), "yes" if prop in required else "no", notes(spec))
            for prop, spec in properties.items()
        ]
        yield from _table(("Property", "Type", "Required", "Notes"), rows)
    else:
        yield f"Type: {type_of(schema)}"
        yield ""


def render(doc: dict[str, Any]) -> str:
    """The whole reference: operations grouped by tag, then every component schema."""
    info = doc.get("info", {})
    out = [
        f"**{_cell(info.get('title', 'API'))}** version {_code(info.get('version', ''))}, "
        f"OpenAPI {_code(doc.get('openapi', ''))}: {len(operations(doc))} operations.",
        "",
    ]
    tag_notes = {t["name"]: t.get("description", "") for t in doc.get("tags", [])}
    by_tag: dict[str, list[Operation]] = {name: [] for name in tag_notes}
    for operation in operations(doc):
        by_tag.setdefault(operation.tag, []).append(operation)
    for tag, ops in by_tag.items():
        if not ops:
            continue
        out += [f"## {_cell(tag)} {{ #tag-{slug(tag)} }}", ""]
        if tag_notes.get(tag):
            out += [_cell(tag_notes[tag]), ""]
        for operation in ops:
            out.extend(render_operation(doc, operation))
    schemas = doc.get("components", {}).get("schemas", {})
    if schemas:
        out += ["## Schemas { #schemas }", ""]
        for name, schema in schemas.items():
            out.extend(render_schema(name, schema))
    return "\n".join(out).rstrip("\n") + "\n"
