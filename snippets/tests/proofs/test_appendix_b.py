"""Proofs of the Appendix B rules: every app, and every error, gets the format."""

import inspect
import typing
from collections.abc import Callable

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, SecretStr

from app.core.config import Settings
from app.main import create_app
from app.tasks.exceptions import TaskNotFoundError
from demos import prb_default_error_shape, prb_handler_on_module_app


def service_app(environment: str = "test") -> FastAPI:
    """The real app from its factory; no request here reaches the database."""
    settings = Settings.model_validate(
        {
            "database_url": SecretStr("postgresql+asyncpg://u:p@127.0.0.1:9/none"),
            "jwt_secret": SecretStr("x" * 32),
            "environment": environment,
        }
    )
    return create_app(settings)


async def send(
    app: FastAPI, method: str, url: str, *, json: object = None
) -> httpx.Response:
    """One request through the app, as a client sees it (500s included)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        return await client.request(method, url, json=json)


def is_problem(response: httpx.Response) -> bool:
    return response.headers["content-type"] == "application/problem+json"


async def read_task(task_id: int) -> None:
    raise TaskNotFoundError


def service_entry_points() -> list[FastAPI]:
    """The running service and a test's own app: both come from the factory."""
    apps = [service_app(), service_app(environment="dev")]
    for app in apps:
        app.add_api_route("/tasks/{task_id}", read_task)
    return apps


def module_app_entry_points() -> list[FastAPI]:
    demo = prb_handler_on_module_app
    return [demo.app, demo.create_test_app()]


def own_handlers(app: FastAPI) -> list[Callable[..., object]]:
    """The exception handlers the project wrote (not FastAPI's defaults)."""
    handlers = app.exception_handlers.values()
    return [
        h for h in handlers if not h.__module__.startswith(("fastapi", "starlette"))
    ]


def accepts_exception(handler: Callable[..., object]) -> bool:
    """Typed for what Starlette passes: any Exception, narrowed inside."""
    parameter = list(inspect.signature(handler).parameters)[1]
    return typing.get_type_hints(handler)[parameter] is Exception


# --8<-- [start:prb-001]
@pytest.mark.rule("PRB-001")
@pytest.mark.parametrize(
    ("entry_points", "holds"),
    [(service_entry_points, True), (module_app_entry_points, False)],
    ids=["do", "dont"],
)
async def test_prb_001_every_app_gets_every_handler(
    *, entry_points: Callable[[], list[FastAPI]], holds: bool
) -> None:
    """Each app an entry point builds answers a domain error as a problem."""
    apps = entry_points()
    responses = [await send(app, "GET", "/tasks/42") for app in apps]
    typed = all(accepts_exception(h) for app in apps for h in own_handlers(app))
    assert (typed and all(is_problem(response) for response in responses)) is holds


# --8<-- [end:prb-001]


class Item(BaseModel):
    name: str


probe = APIRouter()


@probe.post("/items", status_code=201)
async def create_item(item: Item) -> Item:
    return item


@probe.get("/private", dependencies=[Depends(OAuth2PasswordBearer("token"))])
async def private() -> None:
    """FastAPI's own security scheme answers a missing token, not the project."""


@probe.get("/boom")
async def boom() -> None:
    raise RuntimeError("a bug")


def service_with_probe() -> FastAPI:
    app = service_app()
    app.include_router(probe)
    return app


def default_shape_with_probe() -> FastAPI:
    app = prb_default_error_shape.app
    app.include_router(probe)
    return app


# --8<-- [start:prb-002]
@pytest.mark.rule("ERR-001")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_with_probe, True), (default_shape_with_probe, False)],
    ids=["do", "dont"],
)
async def test_prb_002_framework_errors_are_problems_too(
    *, build: Callable[[], FastAPI], holds: bool
) -> None:
    """Unknown route, wrong method, no token, invalid body and a bug: all problems."""
    app = build()
    responses = [
        await send(app, "GET", "/no-such-route"),
        await send(app, "GET", "/items"),
        await send(app, "GET", "/private"),
        await send(app, "POST", "/items", json={}),
        await send(app, "GET", "/boom"),
    ]
    assert [r.status_code for r in responses] == [404, 405, 401, 422, 500]
    assert responses[2].headers["www-authenticate"] == "Bearer"  # kept, not dropped
    assert all(is_problem(response) for response in responses) is holds


# --8<-- [end:prb-002]
