"""The worker on the real queue: SAQ on Redis, jobs applied in PostgreSQL."""

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import JsonValue
from saq.job import Job as SaqJob
from saq.job import Status
from saq.queue.redis import RedisQueue
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool

from app.tasks.models import Task
from app.worker import service as worker_service
from app.worker.config import WorkerSettings
from app.worker.constants import JobType
from app.worker.models import DeadJob, ProcessedJob
from app.worker.schemas import Job, new_job
from tests.plugins.redis import RedisServer
from tests.queues import (
    connected_queue,
    running_worker,
    wait_until_done,
    worker_settings,
)


@pytest.fixture
def settings_of_worker(database_url: str, redis_url: str) -> WorkerSettings:
    return worker_settings(database_url, redis_url)


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def owner_id(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    me: str = (await client.get("/api/v1/users/me", headers=headers)).json()["id"]
    return me


def import_job(owner: str | uuid.UUID, title: str = "Imported") -> Job:
    payload: dict[str, JsonValue] = {"owner_id": str(owner), "title": title}
    return new_job(JobType.TASK_IMPORT, payload, now=datetime.now(UTC))


@pytest.fixture
def handler_runs(monkeypatch: pytest.MonkeyPatch) -> list[uuid.UUID]:
    """Every run of the import handler, by the owner it was for."""
    real = worker_service.HANDLERS[JobType.TASK_IMPORT]
    runs: list[uuid.UUID] = []

    async def counting(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        runs.append(uuid.UUID(str(payload["owner_id"])))
        return await real(session, payload)

    monkeypatch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, counting)
    return runs


async def test_the_same_job_delivered_twice_has_one_effect(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
) -> None:
    """Two deliveries of one envelope (a producer's retry): one task, one row."""
    job = import_job(await owner_id(client, auth_headers))
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue),
    ):
        assert await worker_service.enqueue(queue, job, settings_of_worker)
        # SAQ keeps one unfinished job per key: a producer's retry is dropped.
        assert not await worker_service.enqueue(queue, job, settings_of_worker)
        # A redelivery under another key (e.g. after the first one expired).
        await queue.enqueue(
            "process_job", key="again", envelope=job.model_dump(mode="json")
        )
        first = await wait_until_done(queue, str(job.id))
        second = await wait_until_done(queue, "again")

    assert {first.status, second.status} == {Status.COMPLETE}
    assert sorted([first.result, second.result]) == [False, True]
    assert await count(sessions, Task) == 1
    assert await count(sessions, ProcessedJob) == 1


async def test_a_failing_job_stops_at_the_cap_and_is_dead_lettered(
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
    handler_runs: list[uuid.UUID],
) -> None:
    """An unknown owner fails every attempt: 3 runs, then a dead-letter row."""
    job = import_job(uuid.uuid4(), title="Orphan")
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue),
    ):
        await worker_service.enqueue(queue, job, settings_of_worker)
        done = await wait_until_done(queue, str(job.id))
        await asyncio.sleep(0.3)  # a fourth attempt would have started by now

    assert done.status == Status.FAILED
    assert (done.attempts, len(handler_runs)) == (3, 3)
    assert (done.retry_delay, done.retry_backoff) == (0.05, 0.2)  # exponential
    async with sessions() as session:
        dead = await session.get(DeadJob, job.id)
    assert dead is not None
    assert (dead.job_type, dead.attempts) == ("task.import", 3)
    assert dead.error == "UserNotFoundError: User not found"
    assert dead.payload == job.payload
    assert await count(sessions, ProcessedJob) == 0  # rolled back every time
    assert await count(sessions, Task) == 0


async def test_a_job_that_fails_once_is_applied_on_its_retry(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A transient error costs one attempt; the effect exists once, no dead letter."""
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
    job = import_job(await owner_id(client, auth_headers))
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue),
    ):
        await worker_service.enqueue(queue, job, settings_of_worker)
        done = await wait_until_done(queue, str(job.id))

    assert (done.status, done.attempts, len(calls)) == (Status.COMPLETE, 2, 2)
    assert await count(sessions, Task) == 1
    assert await count(sessions, DeadJob) == 0


async def test_a_stop_lets_the_job_in_flight_finish(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM's path: a job shorter than the grace period completes."""
    real = worker_service.HANDLERS[JobType.TASK_IMPORT]
    started = asyncio.Event()

    async def slow(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        started.set()
        await asyncio.sleep(0.5)
        return await real(session, payload)

    monkeypatch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, slow)
    job = import_job(await owner_id(client, auth_headers))
    async with connected_queue(settings_of_worker) as queue:
        async with running_worker(settings_of_worker, queue):
            await worker_service.enqueue(queue, job, settings_of_worker)
            await asyncio.wait_for(started.wait(), timeout=10)
        # The block's end stopped the worker while the job was running.
        finished = await queue.job(str(job.id))

    assert finished is not None
    assert finished.status == Status.COMPLETE
    assert await count(sessions, Task) == 1


async def test_a_stop_returns_a_job_that_outlasts_the_grace_period(
    *,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut off at shutdown: back on the queue, then applied once by the next worker."""
    real = worker_service.HANDLERS[JobType.TASK_IMPORT]
    started = asyncio.Event()
    hang = asyncio.Event()

    async def stuck_once(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        if not started.is_set():
            started.set()
            await hang.wait()  # never set: only the shutdown ends it
        return await real(session, payload)

    monkeypatch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, stuck_once)
    impatient = worker_settings(
        database_url, redis_url, worker_shutdown_grace_seconds=0
    )
    job = import_job(await owner_id(client, auth_headers))
    async with connected_queue(impatient) as queue:
        await worker_service.enqueue(queue, job, impatient)
        async with running_worker(impatient, queue):
            await asyncio.wait_for(started.wait(), timeout=10)
        returned = await queue.job(str(job.id))
        assert returned is not None
        assert returned.status == Status.QUEUED  # returned, not lost or failed
        assert await count(sessions, Task) == 0
        async with running_worker(impatient, queue):
            done = await wait_until_done(queue, str(job.id))

    assert done.status == Status.COMPLETE
    assert await count(sessions, Task) == 1


async def test_a_redis_outage_pauses_the_worker_then_it_resumes(
    *,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
    redis_server: RedisServer | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Redis killed under a running worker: it pauses, then works again."""
    if redis_server is None:
        pytest.fail("this test stops Redis: run it with the embedded server")
    attempts: list[float] = []
    real = RedisQueue.dequeue

    async def counted(self: RedisQueue, *args: float) -> SaqJob | None:
        attempts.append(asyncio.get_running_loop().time())
        return await real(self, *args)

    monkeypatch.setattr(RedisQueue, "dequeue", counted)
    job = import_job(await owner_id(client, auth_headers))
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue) as worker,
    ):
        redis_server.stop()
        await asyncio.sleep(0.2)
        attempts.clear()
        await asyncio.sleep(2)
        during = len(attempts)
        redis_server.start()
        await asyncio.sleep(1.5)  # the paused dequeues come back
        await worker_service.enqueue(queue, job, settings_of_worker)
        done = await wait_until_done(queue, str(job.id))

    # Two process tasks, a pause of 1 s after each failure: about 4 in 2 s.
    assert during <= 3 * worker.concurrency
    assert done.status == Status.COMPLETE
    assert await count(sessions, Task) == 1


@pytest.mark.rule("PERF-004")
async def test_every_concurrent_job_gets_a_connection(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    database_url: str,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WORKER_CONCURRENCY jobs in the database at once each hold a pooled
    connection: the pool is sized to it, so none waits out the pool timeout."""
    concurrency = 12  # above the API's default pool of 10
    settings = worker_settings(
        database_url, redis_url, worker_concurrency=concurrency, job_max_attempts=1
    )
    together = asyncio.Barrier(concurrency)
    real = worker_service.HANDLERS[JobType.TASK_IMPORT]

    async def held(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        await session.execute(select(1))  # the connection is checked out now
        async with asyncio.timeout(10):
            await together.wait()  # every job holds one at the same time
        return await real(session, payload)

    monkeypatch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, held)
    owner = await owner_id(client, auth_headers)
    jobs = [import_job(owner, title=f"Held {n}") for n in range(concurrency)]
    async with (
        connected_queue(settings) as queue,
        running_worker(settings, queue) as worker,
    ):
        for job in jobs:
            await worker_service.enqueue(queue, job, settings)
        done = [await wait_until_done(queue, str(job.id), 30) for job in jobs]
        pool = worker.context["engine"].pool
        assert isinstance(pool, AsyncAdaptedQueuePool)
        # Exactly: no overflow connection opened and closed per burst.
        assert (pool.size(), pool._max_overflow) == (concurrency, 0)  # no public getter

    assert [job.status for job in done] == [Status.COMPLETE] * concurrency, [
        job.error for job in done
    ]
