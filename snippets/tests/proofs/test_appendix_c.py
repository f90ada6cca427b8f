"""Proofs of the Request-ID template: the service's middleware vs the original."""

import asyncio
import contextvars
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.core.logging import configure_logging, request_id_var
from app.core.request_id import RequestIdMiddleware
from demos import rid_base_http_middleware, rid_discarded_adapter

user_var = rid_base_http_middleware.user_var  # what an auth dependency sets


class CopyUser(logging.Filter):
    """Puts the user the endpoint identified on each record, at emit time."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.user = user_var.get()
        return True


@pytest.fixture
def records_with_user(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(user_filter := CopyUser())
    yield
    caplog.handler.removeFilter(user_filter)


async def get(app: FastAPI, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        return await client.get(path, headers=headers)


def service_middleware_app() -> FastAPI:
    """The demo's endpoint behind the service's middleware."""
    app = FastAPI()
    app.add_api_route("/me", rid_base_http_middleware.read_me)
    app.add_middleware(RequestIdMiddleware)
    return app


# --8<-- [start:rid-001]
@pytest.mark.rule("OBS-003")
@pytest.mark.usefixtures("records_with_user")
async def test_the_access_line_sees_the_endpoints_context(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the endpoint put in a contextvar is seen when the access line is written."""
    await get(service_middleware_app(), "/me")

    # Do: the pure ASGI middleware awaits the app in its own task and context.
    (access,) = [r for r in caplog.records if r.name == "app.access"]
    assert getattr(access, "user", None) == "u-42"
    assert request_id_var.get() is None  # reset with its token afterwards
    # Don't: BaseHTTPMiddleware ran the endpoint in another task.
    capsys.readouterr()
    request = get(rid_base_http_middleware.app, "/me")
    await asyncio.create_task(request, context=contextvars.Context())  # a clean slate
    printed = capsys.readouterr().out.splitlines()
    assert [line for line in printed if line.startswith("access log")] == [
        "access log: user=-"
    ]


# --8<-- [end:rid-001]


async def log_from_everywhere() -> None:
    """An endpoint whose work logs through a service, a server and a library logger."""
    for name in ("app.tasks", "uvicorn.error", "sqlalchemy.engine"):
        logging.getLogger(name).warning("inside the request")


def logging_app() -> FastAPI:
    app = FastAPI()
    app.add_api_route("/work", log_from_everywhere)
    app.add_middleware(RequestIdMiddleware)
    return app


def json_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


# --8<-- [start:rid-002]
@pytest.mark.rule("OBS-004")
async def test_every_logger_writes_the_request_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Lines of any logger, written during the request, carry its ID."""
    configure_logging("INFO")  # the one root handler, with the ID filter
    capsys.readouterr()
    await get(logging_app(), "/work", **{"X-Request-ID": "req-42"})

    # Do: the filter on the root handler stamps every record.
    lines = [line for line in json_lines(capsys) if line["logger"] != "httpx"]
    assert {str(line["logger"]) for line in lines} == {
        "app.tasks",
        "uvicorn.error",
        "sqlalchemy.engine",
        "app.access",
    }
    assert {line["request_id"] for line in lines} == {"req-42"}
    # Don't: the original's adapter is thrown away before anything logs.
    rid_discarded_adapter.handle_request("req-42")
    assert json_lines(capsys)[-1]["request_id"] != "req-42"


# --8<-- [end:rid-002]
