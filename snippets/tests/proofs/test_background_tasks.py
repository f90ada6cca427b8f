"""Proofs of the Background Tasks rules: webhooks, the worker and the lifespan."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import JsonValue, SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.infra.clients.http import create_http_client
from app.infra.clients.mail import send_mail
from app.infra.clients.webhook import post_webhook
from app.main import create_app, lifespan
from app.tasks.models import Task
from app.worker import service as worker_service
from app.worker.constants import JobType
from demos import (
    bg_blocking_task,
    bg_inapp_scheduler,
    bg_payment_in_request,
    bg_redelivered_job,
)
from tests.queues import (
    connected_queue,
    import_job,
    running_worker,
    wait_until_done,
    worker_settings,
)
from tests.servers import silent_peer

IMPORTS = "/api/v1/tasks/imports"
OFFLINE = Settings(
    database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:9/none"),
    jwt_secret=SecretStr("x" * 32),
    environment="test",
)


async def finishes_within(seconds: float, work: Awaitable[object]) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await work
    except TimeoutError:
        return False
    return True


def service_webhook(client: httpx.AsyncClient, url: str) -> Coroutine[Any, Any, bool]:
    """Do: the service's background webhook delivery, with a 0.1 s budget."""
    event_id = uuid.uuid4()
    return post_webhook(client, url, event_id=event_id, body=b"{}", budget_seconds=0.1)


def demo_payment(client: httpx.AsyncClient, url: str) -> Coroutine[Any, Any, None]:
    """Don't: the demo's payment capture, queued the same way."""
    return bg_payment_in_request.capture_payment(client, url, "o-7")


# --8<-- [start:bg-001]
@pytest.mark.rule("BG-001")
@pytest.mark.parametrize(
    ("background_work", "holds"),
    [(service_webhook, True), (demo_payment, False)],
    ids=["do", "dont"],
)
async def test_background_work_is_short_even_when_the_peer_stalls(
    *,
    background_work: Callable[[httpx.AsyncClient, str], Awaitable[object]],
    holds: bool,
) -> None:
    """Against a partner that never answers, the task ends within 0.3 s."""
    with silent_peer() as peer:
        async with create_http_client() as client:
            url = f"http://{peer}/hooks"
            finished = await finishes_within(0.3, background_work(client, url))
    assert finished is holds


# --8<-- [end:bg-001]


class SlowSdk:
    """A synchronous mail SDK: each send blocks for 50 ms."""

    def __init__(self, events: list[str]) -> None:
        self.events = events

    def send(self, *, to: str, subject: str, body: str, timeout: float) -> None:
        time.sleep(0.05)
        self.events.append("mail sent")


async def service_mail() -> list[str]:
    """Do: the service's send_mail beside a request."""
    events: list[str] = []

    async def serve_request() -> None:
        events.append("request served")

    mail = send_mail(SlowSdk(events), to="ada@example.com", subject="Hi", body="!")
    await asyncio.gather(mail, serve_request())
    return events


async def demo_report() -> list[str]:
    """Don't: the demo's blocking report beside the same request."""
    bg_blocking_task.log.clear()
    demo = bg_blocking_task
    await asyncio.gather(demo.send_report_blocking(), demo.serve_request())
    return demo.log


# --8<-- [start:bg-002]
@pytest.mark.rule("EXT-006")
@pytest.mark.parametrize(
    ("run_beside_a_request", "holds"),
    [(service_mail, True), (demo_report, False)],
    ids=["do", "dont"],
)
async def test_blocking_background_work_never_stalls_the_loop(
    *, run_beside_a_request: Callable[[], Awaitable[list[str]]], holds: bool
) -> None:
    """The request started after the work is served before the work ends."""
    events = await run_beside_a_request()
    assert (events[0] == "request served") is holds


# --8<-- [end:bg-002]


async def owner_id(client: httpx.AsyncClient, headers: dict[str, str]) -> uuid.UUID:
    return uuid.UUID(
        (await client.get("/api/v1/users/me", headers=headers)).json()["id"]
    )


async def imported_tasks(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        count = select(func.count()).where(Task.title == "imported")
        return await session.scalar(count) or 0


@pytest.fixture
def fails_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import handler raises on its first run, as a transient outage would."""
    real = worker_service.HANDLERS[JobType.TASK_IMPORT]
    calls: list[int] = []

    async def flaky(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("partner unavailable")
        return await real(session, payload)

    monkeypatch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, flaky)


def failing_once_then_ok() -> httpx.MockTransport:
    answers = [500, 200]
    return httpx.MockTransport(lambda _: httpx.Response(answers.pop(0)))


# --8<-- [start:bg-003]
@pytest.mark.rule("BG-003")
@pytest.mark.usefixtures("fails_once")
async def test_a_job_that_fails_once_still_gets_done(
    cached_client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    redis_url: str,
) -> None:
    """A transient failure is retried until the job's effect exists, once."""
    # Do: the API answers 202 at once; the queue (SAQ on Redis) runs the job,
    # and again after a backoff when it fails.
    settings = worker_settings(database_url, redis_url)
    body = {"titles": ["imported"]}
    async with connected_queue(settings) as queue, running_worker(settings, queue):
        accepted = await cached_client.post(IMPORTS, json=body, headers=auth_headers)
        assert accepted.status_code == 202, accepted.text
        await wait_until_done(queue, accepted.json()["id"])
        polled = await cached_client.get(
            accepted.headers["Location"], headers=auth_headers
        )
    assert polled.json()["status"] == "done"
    assert await imported_tasks(sessions) == 1
    # Don't: the background task fails once after the 202, and nobody retries.
    app = FastAPI()
    app.include_router(bg_payment_in_request.router)
    app.state.payments_url = "https://payments.example/v1/captures"
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        httpx.AsyncClient(transport=failing_once_then_ok()) as partner,
        httpx.AsyncClient(transport=transport, base_url="http://t") as caller,
    ):
        app.state.http_client = partner
        response = await caller.post("/api/v1/orders/o-7/pay")
    assert response.status_code == 202
    assert bg_payment_in_request.captured == []


# --8<-- [end:bg-003]


async def service_handler(
    sessions: async_sessionmaker[AsyncSession], owner: uuid.UUID
) -> int:
    """Do: the service's handler, given the same job twice."""
    job = await import_job(sessions, owner, "imported")
    for _ in range(2):  # the worker died before its ack: redelivered
        async with sessions.begin() as session:
            await worker_service.handle(session, job)
    return await imported_tasks(sessions)


async def demo_handler(
    sessions: async_sessionmaker[AsyncSession], owner: uuid.UUID
) -> int:
    """Don't: the demo's handler, given the same message twice."""
    bg_redelivered_job.charges.clear()
    for _ in range(2):
        bg_redelivered_job.handle_charge(bg_redelivered_job.message)
    return len(bg_redelivered_job.charges)


# --8<-- [start:bg-004]
@pytest.mark.rule("BG-004")
@pytest.mark.parametrize(
    ("deliver_twice", "holds"),
    [(service_handler, True), (demo_handler, False)],
    ids=["do", "dont"],
)
async def test_a_redelivered_job_has_one_effect(
    *,
    deliver_twice: Callable[
        [async_sessionmaker[AsyncSession], uuid.UUID], Awaitable[int]
    ],
    holds: bool,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The same job delivered twice leaves one task (or one charge), not two."""
    effects = await deliver_twice(sessions, await owner_id(client, auth_headers))
    assert (effects == 1) is holds


# --8<-- [end:bg-004]


def service_lifespan() -> AbstractAsyncContextManager[None]:
    """Do: the service's lifespan (no database is reached)."""
    return lifespan(create_app(OFFLINE))


def demo_lifespan() -> AbstractAsyncContextManager[None]:
    return bg_inapp_scheduler.lifespan(FastAPI())


# --8<-- [start:bg-005]
@pytest.mark.rule("BG-005")
@pytest.mark.parametrize(
    ("make_lifespan", "holds"),
    [(service_lifespan, True), (demo_lifespan, False)],
    ids=["do", "dont"],
)
async def test_the_web_app_starts_no_scheduler(
    *, make_lifespan: Callable[[], AbstractAsyncContextManager[None]], holds: bool
) -> None:
    """While the app serves, no task of its own runs beside the requests."""
    before = asyncio.all_tasks()
    async with make_lifespan():
        started = asyncio.all_tasks() - before
    assert (not started) is holds


# --8<-- [end:bg-005]
