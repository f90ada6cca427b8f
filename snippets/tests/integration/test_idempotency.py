"""Idempotency-Key on POST /tasks: replay, reuse, expiry and a 50-way race."""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.tasks import idempotency
from app.tasks.models import IdempotencyKey, Task

TASKS = "/api/v1/tasks"
BODY = {"title": "Pay the invoice", "budget": {"amount": "10.00", "currency": "EUR"}}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Fifty requests at once queue for ten connections on a shared two-core
    machine: the pool may wait longer here, since these tests are about keys.
    Shedding load with a 503 has its own test (tests/reliability)."""
    return settings.model_copy(update={"db_pool_timeout_seconds": 30.0})


async def count_tasks(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(Task)) or 0


async def test_a_retry_with_the_same_key_replays_the_first_response(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Same key, same body (keys reordered): the stored 201, no second row."""
    headers = auth_headers | {"Idempotency-Key": "order-2026-0001"}
    reordered = {"budget": BODY["budget"], "title": BODY["title"]}

    first = await client.post(TASKS, json=BODY, headers=headers)
    second = await client.post(TASKS, json=reordered, headers=headers)

    assert first.status_code == second.status_code == 201, second.text
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Location"] == first.headers["Location"]
    assert await count_tasks(sessions) == 1


async def test_the_same_key_with_another_body_is_a_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    headers = auth_headers | {"Idempotency-Key": "order-2026-0002"}
    await client.post(TASKS, json=BODY, headers=headers)

    response = await client.post(TASKS, json={"title": "Other"}, headers=headers)

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "idempotency-key-reused"


async def test_keys_belong_to_their_user(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Another user's identical key is another key: both tasks are created."""
    key = {"Idempotency-Key": "shared-key-0001"}

    mine = await client.post(TASKS, json=BODY, headers=auth_headers | key)
    theirs = await client.post(TASKS, json=BODY, headers=other_auth_headers | key)

    assert mine.json()["id"] != theirs.json()["id"]
    assert await count_tasks(sessions) == 2


async def test_an_expired_key_is_ignored_and_purged(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Past `expires_at` the key is free again; the purge deletes old ones."""
    headers = auth_headers | {"Idempotency-Key": "order-2026-0003"}
    first = await client.post(TASKS, json=BODY, headers=headers)
    async with sessions.begin() as session:
        yesterday = datetime.now(UTC) - timedelta(days=1)
        await session.execute(update(IdempotencyKey).values(expires_at=yesterday))

    again = await client.post(TASKS, json={"title": "New"}, headers=headers)

    assert again.status_code == 201, again.text
    assert again.json()["id"] != first.json()["id"]
    async with sessions.begin() as session:
        later = datetime.now(UTC) + timedelta(days=2)
        assert await idempotency.purge_expired(session, now=later, batch_size=100) == 1
        assert await idempotency.purge_expired(session, now=later, batch_size=100) == 0


async def test_a_key_without_a_stored_response_is_a_409(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A row with no response yet (the first request still running): 409."""
    me = (await client.get("/api/v1/users/me", headers=auth_headers)).json()
    async with sessions.begin() as session:
        session.add(
            IdempotencyKey(
                user_id=uuid.UUID(me["id"]),
                key="order-in-flight",
                request_hash="0" * 64,
                expires_at=datetime.now(UTC) + timedelta(hours=1),
            )
        )

    headers = auth_headers | {"Idempotency-Key": "order-in-flight"}
    response = await client.post(TASKS, json=BODY, headers=headers)

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "idempotency-key-in-progress"


async def test_fifty_concurrent_posts_with_one_key_create_one_task(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The unique (user, key) row serializes them: 1 insert, 49 replays."""
    headers = auth_headers | {"Idempotency-Key": "burst-5b0f3c3e"}
    started = time.perf_counter()

    responses = await asyncio.gather(
        *(client.post(TASKS, json=BODY, headers=headers) for _ in range(50))
    )

    elapsed = time.perf_counter() - started
    assert {response.status_code for response in responses} == {201}
    assert len({response.text for response in responses}) == 1  # identical bodies
    replayed = [r for r in responses if r.headers.get("Idempotent-Replayed")]
    assert len(replayed) == 49
    assert await count_tasks(sessions) == 1
    report = f"50 concurrent POSTs: 1 created, 49 replayed in {elapsed:.2f} s"
    print(report)  # noqa: T201  # shown with pytest -s
