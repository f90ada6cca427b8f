"""Proofs of the Routes, Schemas, Validation rules, on the service's own routes."""

import re
import uuid
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pytest
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.routing import BaseRoute

from app.core.problem_details import ProblemDetails
from app.tasks.router import router as tasks_router
from app.tasks.schemas import Money, TaskCreate, TaskRead
from app.users.constants import Role
from app.users.models import User
from app.users.router import auth_router
from app.users.router import router as users_router
from app.users.schemas import UserPublic
from demos import (
    api_invalid_example,
    api_leaky_response,
    api_rpc_routes,
    api_undocumented_route,
)

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
SERVICE_ROUTES = [*tasks_router.routes, *users_router.routes, *auth_router.routes]


def service_sends(password_hash: str) -> dict[str, Any]:
    """What the service returns for a stored user: its response model's fields."""
    user = User(id=uuid.uuid4(), email="ada@example.com", display_name="Ada")
    user.password_hash, user.role = password_hash, Role.USER
    return UserPublic.model_validate(user).model_dump(mode="json")


def row_sends(password_hash: str) -> dict[str, Any]:
    row = api_leaky_response.UserRow(7, "ada@example.com", password_hash)
    return asdict(row)


# --8<-- [start:api-001]
@pytest.mark.rule("API-001")
@pytest.mark.parametrize(
    ("send", "holds"), [(service_sends, True), (row_sends, False)], ids=["do", "dont"]
)
def test_api_001_only_declared_fields_leave_the_service(
    *, send: Callable[[str], dict[str, Any]], holds: bool
) -> None:
    """A stored user has a password hash; the response does not."""
    assert (HASH not in str(send(HASH))) is holds


@pytest.mark.rule("API-001")
def test_api_001_unknown_input_fields_are_refused() -> None:
    """A misspelt field is a validation error, not silently dropped."""
    with pytest.raises(ValidationError) as raised:
        TaskCreate.model_validate({"title": "Pay rent", "titel": "typo"})
    assert raised.value.errors()[0]["type"] == "extra_forbidden"


# --8<-- [end:api-001]


def json_body(route: APIRoute) -> bool:
    """A JSON response with a body (not a 204, not a custom media type)."""
    default_class = isinstance(route.response_class, DefaultPlaceholder)
    return default_class and route.status_code != 204


def missing_metadata(routes: list[BaseRoute]) -> list[str]:
    """What each route leaves FastAPI to guess about its contract."""
    problems = []
    for route in routes:
        # Routes outside the contract (no OpenAPI entry) promise nothing.
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        errors = [code for code in route.responses if str(code).startswith(("4", "5"))]
        for missing, absent in (
            ("summary", not route.summary),
            ("description", not route.description),
            ("status_code", route.status_code is None),
            ("responses", not errors),
            ("response model", route.response_model is None and json_body(route)),
        ):
            if absent:
                problems.append(f"{route.path}: {missing}")
    return problems


# --8<-- [start:api-002]
@pytest.mark.rule("API-002")
@pytest.mark.parametrize(
    ("routes", "holds"),
    [(SERVICE_ROUTES, True), (api_undocumented_route.app.routes, False)],
    ids=["do", "dont"],
)
def test_api_002_every_route_declares_its_contract(
    *, routes: list[BaseRoute], holds: bool
) -> None:
    """Summary, description, status code, error responses and response model."""
    assert (missing_metadata(routes) == []) is holds


# --8<-- [end:api-002]


def invalid_examples(model: type[BaseModel]) -> list[object]:
    """The model's own examples that the model rejects (none given: one problem)."""
    examples = model.model_json_schema().get("examples") or [None]
    rejected = []
    for example in examples:
        try:
            model.model_validate(example)
        except ValidationError:
            rejected.append(example)
    return rejected


# --8<-- [start:api-003]
@pytest.mark.rule("API-003")
@pytest.mark.parametrize(
    ("models", "holds"),
    [
        ([TaskCreate, TaskRead, Money, ProblemDetails], True),
        ([api_invalid_example.TaskCreate], False),
    ],
    ids=["do", "dont"],
)
def test_api_003_examples_exist_and_are_valid(
    *, models: list[type[BaseModel]], holds: bool
) -> None:
    """Each key model has examples, and the model accepts every one of them."""
    assert (not any(invalid_examples(model) for model in models)) is holds


# --8<-- [end:api-003]

VERB = re.compile(
    r"(get|create|add|update|delete|remove|list|fetch|set|send|run|do|make|start|stop"
    r"|cancel|search|process|complete|login|logout|signin|signout|refresh|export)"
    r"([A-Z_-]|$)"
)
# Operations that keep the names clients know them by (API-004's exception): the
# session's refresh and logout (OAuth2 and every SDK call them so), and the
# collection's NDJSON export (a representation of /tasks, not a new resource).
NAMED_OPERATIONS = {
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/tasks/export",
}


def rest_problems(routes: list[BaseRoute]) -> list[str]:
    """Verbs in paths, and methods whose status code contradicts what they do."""
    problems = []
    for route in routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        segments = [s for s in route.path.split("/") if s and not s.startswith("{")]
        if route.path not in NAMED_OPERATIONS:
            problems += [f"{route.path}: verb" for s in segments if VERB.match(s)]
        methods = route.methods or set()
        if "DELETE" in methods and route.status_code != 204:
            problems.append(f"DELETE {route.path}: not 204")
        if "GET" in methods and route.status_code not in {200, None}:
            problems.append(f"GET {route.path}: {route.status_code}")
    return problems


# --8<-- [start:api-004]
@pytest.mark.rule("API-004")
@pytest.mark.parametrize(
    ("routes", "holds"),
    [(SERVICE_ROUTES, True), (api_rpc_routes.router.routes, False)],
    ids=["do", "dont"],
)
def test_api_004_paths_name_resources_methods_say_what_happens(
    *, routes: list[BaseRoute], holds: bool
) -> None:
    """No verb in a path; DELETE answers 204, GET answers 200."""
    assert (rest_problems(routes) == []) is holds


# --8<-- [end:api-004]
