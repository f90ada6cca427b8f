"""The OpenAPI document: tags, servers, problem media types, built once."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.core.problem_details import PROBLEM_MEDIA_TYPE

OPENAPI_TAGS = [
    {"name": "tasks", "description": "The caller's own tasks."},
    {"name": "users", "description": "Registration and accounts."},
    {"name": "auth", "description": "OAuth2 password flow and token rotation."},
    {"name": "health", "description": "Probes for the orchestrator."},
]


def _problems_as_problem_json(schema: dict[str, Any]) -> None:
    # FastAPI documents errors in the route's media type (JSON, or NDJSON for
    # the export); they are really sent as application/problem+json (RFC 9457).
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        for code, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if code[0] in "45" and content:
                response["content"] = {PROBLEM_MEDIA_TYPE: next(iter(content.values()))}


# --8<-- [start:custom-openapi]
def custom_openapi(app: FastAPI) -> dict[str, Any]:
    """Build the schema on first request, then serve the cached copy."""
    if app.openapi_schema:
        return app.openapi_schema
    # get_openapi(), not app.openapi(): this function replaces app.openapi,
    # and calling it from here would recurse forever.
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=OPENAPI_TAGS,
        servers=app.servers,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    schema["info"]["x-logo"] = {
        "url": "https://fastapi-guideline.netlify.app/assets/logo.svg",
        "altText": app.title,
    }
    _problems_as_problem_json(schema)
    app.openapi_schema = schema
    return schema


# --8<-- [end:custom-openapi]
