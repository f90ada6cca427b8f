"""Proofs of the Errors and Exceptions rules: the service's handlers vs the Don'ts."""

import ast
import logging
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.exceptions import AppError
from app.main import create_app
from app.tasks import service as task_service
from app.tasks.exceptions import TaskNotFoundError
from app.users.exceptions import UserNotFoundError
from app.users.schemas import UserCreate
from demos import (
    err_ad_hoc_bodies,
    err_ad_hoc_domain_error,
    err_http_in_service,
    err_instance_url,
    err_leaky_detail,
)

APP_DIR = Path(__file__).resolve().parents[2] / "app"
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "code"}


def service_app() -> FastAPI:
    """The real app from its factory; no request here reaches the database."""
    settings = Settings(
        database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:9/none"),
        jwt_secret=SecretStr("x" * 32),
        environment="test",
    )
    return create_app(settings)


async def send(app: FastAPI, method: str, url: str) -> httpx.Response:
    """One request through the app, as a client sees it (500s included)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        return await client.request(method, url)


def is_problem(response: httpx.Response) -> bool:
    """An RFC 9457 document with the members and media type the service promises."""
    if response.headers["content-type"] != "application/problem+json":
        return False
    body = response.json()
    return set(body) >= PROBLEM_MEMBERS and body["status"] == response.status_code


async def read_task(task_id: int) -> None:
    raise TaskNotFoundError


async def read_user(user_id: int) -> None:
    raise UserNotFoundError


def service_with_lookups() -> FastAPI:
    app = service_app()
    app.add_api_route("/tasks/{task_id}", read_task)
    app.add_api_route("/users/{user_id}", read_user)
    return app


def ad_hoc_app() -> FastAPI:
    app = FastAPI()
    app.include_router(err_ad_hoc_bodies.router)
    return app


# --8<-- [start:err-001]
@pytest.mark.rule("ERR-001")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_with_lookups, True), (ad_hoc_app, False)],
    ids=["do", "dont"],
)
async def test_err_001_every_error_is_a_problem_document(
    *, build: Callable[[], FastAPI], holds: bool
) -> None:
    """A missing task, a missing user and an unknown URL: one format, one type."""
    app = build()
    paths = ("/tasks/42", "/users/7", "/nowhere")
    responses = [await send(app, "GET", path) for path in paths]
    assert [response.status_code for response in responses] == [404, 404, 404]
    assert all(is_problem(response) for response in responses) is holds


# --8<-- [end:err-001]


def shape(error: Exception) -> tuple[object, ...]:
    """What a client sees of an error besides its detail."""
    members = ("status", "code", "title", "type")
    return tuple(getattr(error, member, None) for member in members)


# --8<-- [start:err-002]
@pytest.mark.rule("ERR-002")
@pytest.mark.parametrize(
    ("first", "second", "holds"),
    [
        (TaskNotFoundError(), TaskNotFoundError("Task 42 was deleted."), True),
        (err_ad_hoc_domain_error.in_tasks, err_ad_hoc_domain_error.in_reports, False),
    ],
    ids=["do", "dont"],
)
def test_err_002_one_failure_has_one_shape(
    *, first: Exception, second: Exception, holds: bool
) -> None:
    """The same failure raised at two sites has one status, code, title and type."""
    has_code = getattr(first, "code", None) is not None
    assert (has_code and shape(first) == shape(second)) is holds


# --8<-- [end:err-002]


def imports_http(path: Path) -> bool:
    """Whether a module imports FastAPI or Starlette."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(name.split(".")[0] in {"fastapi", "starlette"} for name in names):
            return True
    return False


class NoRows:
    """A session stub: every lookup finds nothing."""

    async def scalar(self, statement: object) -> None:
        return None


async def look_up_in_service() -> None:
    session = cast(AsyncSession, NoRows())
    await task_service.get_task(session, uuid.uuid4(), uuid.uuid4())


async def look_up_in_http_service() -> None:
    err_http_in_service.complete_task({}, 42)


# --8<-- [start:err-003]
@pytest.mark.rule("ERR-003")
@pytest.mark.parametrize(
    ("look_up", "module", "holds"),
    [
        (look_up_in_service, APP_DIR / "tasks" / "service.py", True),
        (look_up_in_http_service, Path(err_http_in_service.__file__), False),
    ],
    ids=["do", "dont"],
)
async def test_err_003_services_raise_domain_errors_not_http(
    *, look_up: Callable[[], Awaitable[None]], module: Path, holds: bool
) -> None:
    """A failed lookup raises an AppError, from a module that knows nothing of HTTP."""
    with pytest.raises(Exception) as raised:  # noqa: PT011  # its type is the check
        await look_up()
    assert (isinstance(raised.value, AppError) and not imports_http(module)) is holds


# --8<-- [end:err-003]


async def list_tasks() -> list[str]:
    raise ConnectionError("connect to postgresql://tasks:s3cr3t@10.0.3.7 failed")


def service_with_failing_route() -> FastAPI:
    app = service_app()
    app.add_api_route("/tasks", list_tasks)
    return app


def leaky_app() -> FastAPI:
    return err_leaky_detail.app


# --8<-- [start:err-004]
@pytest.mark.rule("ERR-004")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_with_failing_route, True), (leaky_app, False)],
    ids=["do", "dont"],
)
async def test_err_004_unexpected_errors_leak_nothing(
    *, build: Callable[[], FastAPI], holds: bool
) -> None:
    """The same failing route: only the Don't sends the password and the address."""
    response = await send(build(), "GET", "/tasks")
    assert response.status_code == 500
    leaked = any(part in response.text for part in ("s3cr3t", "10.0.3.7", "Trace"))
    assert (not leaked) is holds


@pytest.mark.rule("ERR-004")
async def test_err_004_the_log_gets_the_details_and_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What the client does not see is logged, under the ID the client was given."""
    with caplog.at_level(logging.ERROR, logger="app.core.problem_details"):
        response = await send(service_with_failing_route(), "GET", "/tasks")
    (record,) = caplog.records
    assert record.exc_info is not None
    assert "s3cr3t" in str(record.exc_info[1])
    assert getattr(record, "request_id", None) == response.headers["X-Request-ID"]


@pytest.mark.rule("ERR-004")
async def test_err_004_a_500_carries_every_header_of_a_200() -> None:
    """The crash is answered inside the middleware: same security headers."""
    app = service_with_failing_route()
    crashed = await send(app, "GET", "/tasks")
    alive = await send(app, "GET", "/healthz")
    for name in ("X-Content-Type-Options", "Strict-Transport-Security"):
        assert crashed.headers[name] == alive.headers[name]


# --8<-- [end:err-004]


# --8<-- [start:err-005]
@pytest.mark.rule("ERR-005")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_app, True), (lambda: err_instance_url.app, False)],
    ids=["do", "dont"],
)
async def test_err_005_instance_is_the_path_only(
    *, build: Callable[[], FastAPI], holds: bool
) -> None:
    """An unknown URL with a token in its query: `instance` keeps only the path."""
    response = await send(build(), "GET", "/tasks/42?access_token=eyJhbG")
    assert response.status_code == 404
    assert (response.json()["instance"] == "/tasks/42") is holds


# --8<-- [end:err-005]


# --8<-- [start:err-006]
@pytest.mark.rule("ERR-006")
def test_err_006_a_validator_error_names_its_field() -> None:
    """A guessable password fails in the model's validator, as an error on it."""
    data = {"email": "ada@example.com", "display_name": "Ada", "password": "a" * 20}
    with pytest.raises(ValidationError) as raised:
        UserCreate.model_validate(data)
    (error,) = raised.value.errors()
    assert (error["loc"], error["type"]) == (("password",), "value_error")


# --8<-- [end:err-006]
