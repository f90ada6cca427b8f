"""The OpenAPI breaking-change detector used by the snapshot test."""

import copy
from typing import Any

from tests.contract.breaking import BreakingChange, breaking_changes, report

TASK_ITEM = "/tasks/{task_id}"
NULLABLE_STRING = {"anyOf": [{"type": "string"}, {"type": "null"}]}


def _api() -> dict[str, Any]:
    """A small document in FastAPI's shape: $refs, a list envelope, Optional."""
    task_ref = {"$ref": "#/components/schemas/Task"}
    json_task = {"application/json": {"schema": task_ref}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "tasks", "version": "1"},
        "paths": {
            "/tasks": {
                "get": {
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Page"}
                                }
                            }
                        }
                    },
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/TaskCreate"}
                            }
                        },
                    },
                    "responses": {"201": {"content": json_task}},
                },
            },
            TASK_ITEM: {
                "get": {"responses": {"200": {"content": json_task}}},
                "delete": {"responses": {"204": {"description": "Deleted"}}},
            },
        },
        "components": {
            "schemas": {
                "Task": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "note": NULLABLE_STRING,
                    },
                    "required": ["id", "title", "note"],
                },
                "TaskCreate": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "note": NULLABLE_STRING,
                    },
                    "required": ["title"],
                },
                "Page": {
                    "type": "object",
                    "properties": {"items": {"type": "array", "items": task_ref}},
                    "required": ["items"],
                },
            }
        },
    }


def _messages(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [str(change) for change in breaking_changes(old, new)]


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def test_identical_documents_have_no_breaking_changes() -> None:
    """An unchanged document reports nothing."""
    assert breaking_changes(_api(), _api()) == []


def test_additions_are_not_breaking() -> None:
    """New paths, optional request fields and extra response fields are safe."""
    new = _api()
    new["paths"]["/health"] = {"get": {"responses": {"200": {}}}}
    new["paths"][TASK_ITEM]["patch"] = {"responses": {"200": {}}}
    _schemas(new)["TaskCreate"]["properties"]["due"] = {"type": "string"}
    _schemas(new)["Task"]["properties"]["due"] = {"type": "string"}
    optional_param = {"name": "q", "in": "query", "schema": {"type": "string"}}
    new["paths"]["/tasks"]["get"]["parameters"].append(optional_param)

    assert _messages(_api(), new) == []


def test_removed_path_is_reported() -> None:
    """Dropping a whole path breaks every client that calls it."""
    new = _api()
    del new["paths"][TASK_ITEM]

    assert _messages(_api(), new) == ["removed path /tasks/{task_id}"]


def test_removed_operation_is_reported() -> None:
    """Dropping one method of a path is reported with method and path."""
    new = _api()
    del new["paths"][TASK_ITEM]["delete"]

    assert _messages(_api(), new) == ["removed operation DELETE /tasks/{task_id}"]


def test_removed_response_field_is_reported_through_refs() -> None:
    """A property removed from a referenced response schema is found everywhere."""
    new = _api()
    del _schemas(new)["Task"]["properties"]["note"]

    assert _messages(_api(), new) == [
        "removed response field 'items[].note' in "
        "response 200 (application/json) of GET /tasks",
        "removed response field 'note' in "
        "response 201 (application/json) of POST /tasks",
        "removed response field 'note' in "
        "response 200 (application/json) of GET /tasks/{task_id}",
    ]


def test_new_required_request_field_is_reported() -> None:
    """A request field that clients never sent cannot become mandatory."""
    new = _api()
    _schemas(new)["TaskCreate"]["properties"]["due"] = {"type": "string"}
    _schemas(new)["TaskCreate"]["required"] = ["title", "due"]

    assert _messages(_api(), new) == [
        "new required request field 'due' in "
        "request body (application/json) of POST /tasks"
    ]


def test_optional_request_field_becoming_required_is_reported() -> None:
    """Making an optional request field required breaks clients that omit it."""
    new = _api()
    _schemas(new)["TaskCreate"]["required"] = ["title", "note"]

    assert _messages(_api(), new) == [
        "new required request field 'note' in "
        "request body (application/json) of POST /tasks"
    ]


def test_new_required_query_parameter_is_reported() -> None:
    """A required parameter that clients never sent is a breaking change."""
    new = _api()
    required_param = {
        "name": "owner",
        "in": "query",
        "required": True,
        "schema": {"type": "string"},
    }
    new["paths"]["/tasks"]["get"]["parameters"].append(required_param)

    assert _messages(_api(), new) == [
        "new required request field 'owner' in query parameters of GET /tasks"
    ]


def test_changed_response_field_type_is_reported() -> None:
    """A response field that changes type breaks the clients that parse it."""
    new = _api()
    _schemas(new)["Task"]["properties"]["id"] = {"type": "string"}

    assert _messages(_api(), new)[1] == (
        "changed field type 'id' (integer -> string) in "
        "response 201 (application/json) of POST /tasks"
    )


def test_response_field_becoming_nullable_is_reported() -> None:
    """A response field that may now be null surprises clients that expect a value."""
    new = _api()
    _schemas(new)["Task"]["properties"]["title"] = NULLABLE_STRING

    assert _messages(_api(), new)[0] == (
        "changed field type 'items[].title' (string -> null | string) in "
        "response 200 (application/json) of GET /tasks"
    )


def test_changed_request_field_type_is_reported() -> None:
    """A request field that accepts a different type rejects what clients send."""
    new = _api()
    _schemas(new)["TaskCreate"]["properties"]["title"] = {"type": "integer"}

    assert _messages(_api(), new) == [
        "changed field type 'title' (string -> integer) in "
        "request body (application/json) of POST /tasks"
    ]


def test_changed_parameter_type_is_reported() -> None:
    """An optional parameter that now wants another type rejects old requests."""
    new = _api()
    new["paths"]["/tasks"]["get"]["parameters"][0]["schema"] = {"type": "string"}

    assert _messages(_api(), new) == [
        "changed field type 'limit' (integer -> string) in "
        "query parameters of GET /tasks"
    ]


def test_widening_a_request_field_is_not_breaking() -> None:
    """Accepting more than before (null, or any number) keeps old clients working."""
    new = _api()
    _schemas(new)["TaskCreate"]["properties"]["title"] = NULLABLE_STRING
    limit = new["paths"]["/tasks"]["get"]["parameters"][0]
    limit["schema"] = {"type": "number"}

    assert _messages(_api(), new) == []


def test_self_referencing_schema_terminates() -> None:
    """A recursive schema (a task with subtasks) is compared without looping forever."""
    old = _api()
    subtasks = {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}
    _schemas(old)["Task"]["properties"]["subtasks"] = subtasks
    new = copy.deepcopy(old)

    assert breaking_changes(old, new) == []


def test_report_prints_one_breaking_line_per_change() -> None:
    """The failure message has one `BREAKING:` line per change."""
    changes = [
        BreakingChange("removed path", "/tasks"),
        BreakingChange("removed operation", "DELETE /tasks/{task_id}"),
    ]

    assert report(changes) == (
        "BREAKING: removed path /tasks\n"
        "BREAKING: removed operation DELETE /tasks/{task_id}"
    )
