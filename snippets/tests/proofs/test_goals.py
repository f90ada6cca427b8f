"""Proofs of the Goals rules: explicit errors, no hidden writes, IDs, time budgets."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from decimal import Decimal
from functools import partial

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr, ValidationError

from app.core.config import Settings
from app.core.logging import RequestIdFilter
from app.infra.clients.http import fetch_json
from app.main import create_app
from app.tasks.schemas import Money
from demos import (
    aim_no_request_id,
    aim_read_with_side_effect,
    aim_swallowed_error,
    aim_unbounded_call,
)

TASKS = "/api/v1/tasks"


def read_amount(raw: str) -> Decimal:
    """The service's way in: an amount arrives through its schema."""
    return Money.model_validate({"amount": raw, "currency": "EUR"}).amount


# --8<-- [start:aim-001]
@pytest.mark.rule("AIM-001")
@pytest.mark.parametrize(
    ("parse", "holds"),
    [(read_amount, True), (aim_swallowed_error.parse_amount, False)],
    ids=["do", "dont"],
)
def test_aim_001_unreadable_input_is_an_error_not_a_value(
    *, parse: Callable[[str], Decimal], holds: bool
) -> None:
    """ "12,50" is refused; it never turns into an amount of zero."""
    try:
        parse("12,50")
    except ValidationError:
        reported = True
    else:
        reported = False
    assert reported is holds


# --8<-- [end:aim-001]


async def read_task_list(client: httpx.AsyncClient, headers: dict[str, str]) -> object:
    response = await client.get(TASKS, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def read_quota() -> object:
    return aim_read_with_side_effect.get_remaining_quota()


# --8<-- [start:aim-003]
@pytest.mark.rule("API-004")
@pytest.mark.parametrize("holds", [True, False], ids=["do", "dont"])
async def test_aim_003_a_read_changes_nothing(
    *, client: httpx.AsyncClient, auth_headers: dict[str, str], holds: bool
) -> None:
    """Asking twice gives the same answer: the read wrote nothing in between."""
    created = await client.post(TASKS, json={"title": "Pay rent"}, headers=auth_headers)
    assert created.status_code == 201, created.text
    read: Callable[[], Awaitable[object]] = (
        partial(read_task_list, client, auth_headers) if holds else read_quota
    )
    assert (await read() == await read()) is holds


# --8<-- [end:aim-003]


def service_app() -> FastAPI:
    """The real app from its factory; no request here reaches the database."""
    settings = Settings(
        database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:9/none"),
        jwt_secret=SecretStr("x" * 32),
        environment="test",
    )
    app = create_app(settings)
    app.add_api_route("/tasks", aim_no_request_id.create_task, methods=["POST"])
    return app


class Records(logging.Handler):
    """Keeps the records, passed through the service's request-ID filter."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# --8<-- [start:aim-004]
@pytest.mark.rule("OBS-004")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_app, True), (lambda: aim_no_request_id.app, False)],
    ids=["do", "dont"],
)
async def test_aim_004_every_response_and_log_line_carries_the_request_id(
    *, build: Callable[[], FastAPI], holds: bool
) -> None:
    """The same endpoint: the ID in the response header is on its log line too."""
    records = Records()
    logger = logging.getLogger("tasks")
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    transport = httpx.ASGITransport(app=build())
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://a"
        ) as client:
            response = await client.post("/tasks")
    finally:
        logger.removeHandler(records)
    request_id = response.headers.get("X-Request-ID")
    (record,) = records.records
    logged_id = getattr(record, "request_id", None)
    assert (request_id is not None and logged_id == request_id) is holds


# --8<-- [end:aim-004]


async def never_answers(request: httpx.Request) -> httpx.Response:
    await asyncio.Event().wait()  # accepts the connection, then silence
    raise AssertionError("unreachable")


async def within_budget(client: httpx.AsyncClient, url: str) -> object:
    return await fetch_json(client, url, budget_s=0.05)


# --8<-- [start:aim-006]
@pytest.mark.rule("EXT-005")
@pytest.mark.parametrize(
    ("call", "holds"),
    [(within_budget, True), (aim_unbounded_call.fetch_rates, False)],
    ids=["do", "dont"],
)
async def test_aim_006_a_silent_peer_cannot_hold_the_request(
    *,
    call: Callable[[httpx.AsyncClient, str], Coroutine[None, None, object]],
    holds: bool,
) -> None:
    """Against a peer that never answers, the call ends (with an error) in time."""
    transport = httpx.MockTransport(never_answers)
    async with httpx.AsyncClient(transport=transport) as client:
        task = asyncio.create_task(call(client, "https://rates.example/latest"))
        done, _ = await asyncio.wait({task}, timeout=0.2)
        task.cancel()
        await asyncio.wait({task})
    ended_with_timeout = task in done and isinstance(task.exception(), TimeoutError)
    assert ended_with_timeout is holds


# --8<-- [end:aim-006]
