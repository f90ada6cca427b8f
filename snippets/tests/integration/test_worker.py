"""The worker pattern: a redelivered job is acknowledged, never applied twice."""

import asyncio
import logging
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import JsonValue
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.tasks.models import Task
from app.worker.jobs import InMemoryBroker, new_job
from app.worker.models import ProcessedJob
from app.worker.runner import process, run_worker


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def owner_id(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    me: str = (await client.get("/api/v1/users/me", headers=headers)).json()["id"]
    return me


async def test_the_same_job_delivered_twice_has_one_effect(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """At-least-once delivery, exactly-once effect: one task, one job row."""
    broker = InMemoryBroker()
    payload: dict[str, JsonValue] = {
        "owner_id": await owner_id(client, auth_headers),
        "title": "Imported",
    }
    job = new_job("task.import", payload, now=datetime.now(UTC))
    await broker.publish(job)
    await broker.publish(job)  # the broker redelivers (e.g. a lost ack)
    stop = asyncio.Event()

    worker = asyncio.create_task(run_worker(broker, sessions, stop))
    for _ in range(500):  # up to 5 s for both deliveries to be handled
        if not (broker.pending() or broker.in_flight):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await worker

    assert await count(sessions, Task) == 1
    assert await count(sessions, ProcessedJob) == 1
    assert broker.in_flight == {}


async def test_a_failing_job_is_rolled_back_and_redelivered(
    sessions: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unknown owner fails the job: nothing is kept, the job goes back."""
    broker = InMemoryBroker()
    payload: dict[str, JsonValue] = {"owner_id": str(uuid.uuid4()), "title": "Orphan"}
    await broker.publish(new_job("task.import", payload, now=datetime.now(UTC)))

    with caplog.at_level(logging.ERROR):
        await process(broker, sessions, await broker.receive())

    assert broker.pending() == 1  # nacked: delivered again later
    assert await count(sessions, ProcessedJob) == 0  # rolled back with the effect
    assert "job failed" in caplog.messages


async def test_the_worker_stops_when_asked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A set stop event ends the loop, whether idle or about to receive."""
    stop = asyncio.Event()
    stop.set()

    await run_worker(InMemoryBroker(), sessions, stop)

    assert stop.is_set()
