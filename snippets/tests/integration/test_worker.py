"""The worker on the real queue: SAQ on Redis, jobs applied in PostgreSQL."""

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import JsonValue
from saq.job import Job as SaqJob
from saq.job import Status
from saq.queue.redis import RedisQueue
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool

from app.tasks.models import Task, TaskImport
from app.worker import service as worker_service
from app.worker.config import WorkerSettings
from app.worker.constants import JobType
from app.worker.main import create_worker
from app.worker.models import DeadJob, ProcessedJob
from tests.plugins.redis import RedisServer
from tests.queues import (
    connected_queue,
    import_job,
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


@pytest.fixture
def failing_runs(monkeypatch: pytest.MonkeyPatch) -> list[uuid.UUID]:
    """Every run of an import handler whose partner is down, by import."""
    runs: list[uuid.UUID] = []

    async def failing(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        runs.append(uuid.UUID(str(payload["import_id"])))
        await session.execute(select(1))  # as far as the database, then:
        raise ConnectionError("partner unavailable\nsecond line, not kept")

    monkeypatch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, failing)
    return runs


async def test_the_same_job_delivered_twice_has_one_effect(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
) -> None:
    """Two deliveries of one envelope (a producer's retry): one task, one row."""
    job = await import_job(sessions, await owner_id(client, auth_headers))
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
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
    failing_runs: list[uuid.UUID],
) -> None:
    """A partner down for good: 3 runs, then a dead-letter row with the error's
    type and first line, and the import marked failed in the same transaction."""
    job = await import_job(sessions, await owner_id(client, auth_headers))
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue),
    ):
        await worker_service.enqueue(queue, job, settings_of_worker)
        done = await wait_until_done(queue, str(job.id))
        await asyncio.sleep(0.3)  # a fourth attempt would have started by now

    assert done.status == Status.FAILED
    assert (done.attempts, len(failing_runs)) == (3, 3)
    assert (done.retry_delay, done.retry_backoff) == (0.05, 0.2)  # exponential
    async with sessions() as session:
        dead = await session.get(DeadJob, job.id)
    assert dead is not None
    assert (dead.job_type, dead.attempts) == ("task.import", 3)
    assert dead.error == "ConnectionError: partner unavailable"
    assert dead.payload == job.payload == {"import_id": str(job.id)}  # no titles
    assert await count(sessions, ProcessedJob) == 0  # rolled back every time
    assert await count(sessions, Task) == 0
    async with sessions() as session:
        batch = await session.get(TaskImport, job.id)
    assert batch is not None
    assert batch.failed_at is not None


async def test_a_job_whose_worker_died_on_its_last_attempt_is_dead_lettered(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
) -> None:
    """SIGKILL or OOM mid-attempt: the next worker's sweep gives up on the job,
    and the job still gets its dead letter (SAQ alone only marks it aborted)."""
    job = await import_job(sessions, await owner_id(client, auth_headers))
    async with connected_queue(settings_of_worker) as queue:
        await worker_service.enqueue(queue, job, settings_of_worker)
        # What a worker does before it runs a job; then it dies without a trace.
        taken = await queue.dequeue()
        assert taken is not None
        taken.attempts = taken.retries  # its last attempt
        await taken.update(status=Status.ACTIVE, started=1)  # long past its timeout
        async with running_worker(settings_of_worker, queue, sweep_first=False):
            given_up = await wait_until_done(queue, str(job.id))

    assert given_up.status == Status.ABORTED
    async with sessions() as session:
        dead = await session.get(DeadJob, job.id)
    assert dead is not None
    assert (dead.job_type, dead.attempts, dead.payload) == (
        "task.import",
        settings_of_worker.job_max_attempts,
        job.payload,
    )
    assert dead.error.startswith("aborted: ")
    assert await count(sessions, Task) == 0


async def test_an_import_whose_dead_letter_failed_is_run_again_by_the_requeue(
    *,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
) -> None:
    """The last attempt fails while the dead letter cannot be written either
    (the database is down): SAQ still finishes the job, nothing sits half-aborted,
    the import stays pending, and the requeue runs it again once all is back."""
    job = await import_job(sessions, await owner_id(client, auth_headers))
    bury_calls: list[str] = []

    async def failing(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        raise ConnectionRefusedError("database down")

    async def bury_refused(
        sessions: async_sessionmaker[AsyncSession], given_up: SaqJob
    ) -> None:
        bury_calls.append(given_up.key)
        raise ConnectionRefusedError("database down")

    async with connected_queue(settings_of_worker) as queue:
        with pytest.MonkeyPatch.context() as outage:
            outage.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, failing)
            outage.setattr(worker_service, "bury", bury_refused)
            async with running_worker(settings_of_worker, queue):
                await worker_service.enqueue(queue, job, settings_of_worker)
                failed = await wait_until_done(queue, str(job.id))
        assert (failed.status, bury_calls) == (Status.FAILED, [str(job.id)])
        assert await count(sessions, DeadJob) == 0
        requeued = await worker_service.requeue_pending_imports(
            sessions, queue, settings_of_worker, accepted_before=datetime.now(UTC)
        )
        async with running_worker(settings_of_worker, queue):
            done = await wait_until_done(queue, str(job.id))

    assert (requeued, done.status) == (1, Status.COMPLETE)
    assert await count(sessions, Task) == 1


async def test_a_job_for_a_deleted_account_is_acknowledged_quietly(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
) -> None:
    """Its import went with the account (cascade): no task, no retries, and no
    dead letter to page anyone or to keep the account's data."""
    job = await import_job(sessions, await owner_id(client, auth_headers))
    deleted = await client.delete("/api/v1/users/me", headers=auth_headers)
    assert deleted.status_code == 204
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue),
    ):
        await worker_service.enqueue(queue, job, settings_of_worker)
        done = await wait_until_done(queue, str(job.id))

    assert (done.status, done.attempts, done.result) == (Status.COMPLETE, 1, True)
    assert await count(sessions, DeadJob) == 0
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
    job = await import_job(sessions, await owner_id(client, auth_headers))
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
    job = await import_job(sessions, await owner_id(client, auth_headers))
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
    job = await import_job(sessions, await owner_id(client, auth_headers))
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
    job = await import_job(sessions, await owner_id(client, auth_headers))
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
    *,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
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
    jobs = [await import_job(sessions, owner, f"Held {n}") for n in range(concurrency)]
    async with (
        connected_queue(settings) as queue,
        running_worker(settings, queue) as worker,
    ):
        for job in jobs:
            await worker_service.enqueue(queue, job, settings)
        done = [await wait_until_done(queue, str(job.id), 30) for job in jobs]
        pool = worker.context["engine"].pool
        assert isinstance(pool, AsyncAdaptedQueuePool)
        # Exactly: no overflow connection opened and closed per burst, and
        # one more than the jobs: the sweep's dead letters never wait for them.
        overflow = pool._max_overflow  # no public getter
        assert (pool.size(), overflow) == (concurrency + 1, 0)

    assert [job.status for job in done] == [Status.COMPLETE] * concurrency, [
        job.error for job in done
    ]


async def test_the_worker_schedules_the_requeue_of_lost_jobs(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
) -> None:
    """Its cron entry runs on one worker: an import older than
    JOB_REQUEUE_AFTER whose job no queue holds is enqueued again; a fresh one
    is left to its first delivery."""
    old = await import_job(sessions, await owner_id(client, auth_headers))
    fresh = await import_job(sessions, await owner_id(client, auth_headers))
    async with sessions.begin() as session:
        await session.execute(
            update(TaskImport)
            .where(TaskImport.id == old.id)
            .values(accepted_at=func.now() - settings_of_worker.job_requeue_after)
        )
    async with connected_queue(settings_of_worker) as queue:
        worker = create_worker(settings_of_worker, queue)
        [cron] = worker.cron_jobs
        async with running_worker(settings_of_worker, queue) as running:
            requeued = await cron.function(running.context)
            done = await wait_until_done(queue, str(old.id))
        assert await queue.job(str(fresh.id)) is None

    assert (cron.cron, requeued, done.status) == ("*/5 * * * *", 1, Status.COMPLETE)


async def test_an_envelope_that_is_not_ours_is_dead_lettered_as_text(
    sessions: async_sessionmaker[AsyncSession], settings_of_worker: WorkerSettings
) -> None:
    """A foreign producer's job (a key that is no UUID, a NUL that JSONB
    refuses): kept as escaped text under an ID derived from its key."""
    envelope = {"id": "not-a-uuid", "type": "task.import", "note": "nul \u0000 here"}
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue),
    ):
        await queue.enqueue("process_job", key="foreign-1", envelope=envelope)
        done = await wait_until_done(queue, "foreign-1")

    assert done.status == Status.FAILED
    async with sessions() as session:
        dead = await session.get(DeadJob, uuid.uuid5(uuid.NAMESPACE_URL, "foreign-1"))
    assert dead is not None
    assert dead.job_type == "process_job"
    assert dead.payload == {"unreadable": json.dumps(envelope)}
    assert dead.error.startswith("ValidationError: ")


async def test_only_a_job_given_up_for_good_is_dead_lettered(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    settings_of_worker: WorkerSettings,
) -> None:
    """An abort with attempts left (the sweep caught a job between dequeue and
    its active mark: SAQ runs it again) buries nothing; nor does an abort of a
    job that was applied after all (a worker thought dead that finished it)."""
    retried = await import_job(sessions, await owner_id(client, auth_headers))
    applied = await import_job(sessions, await owner_id(client, auth_headers))
    async with (
        connected_queue(settings_of_worker) as queue,
        running_worker(settings_of_worker, queue),
    ):
        await worker_service.enqueue(queue, applied, settings_of_worker)
        done = await wait_until_done(queue, str(applied.id))
        status_when_done = done.status
        await queue.finish(done, Status.ABORTED, error="swept")  # after the fact
        await worker_service.enqueue(queue, retried, settings_of_worker)
        first = await queue.job(str(retried.id))
        assert first is not None
        first.attempts = 1  # of three
        await queue.finish(first, Status.ABORTED, error="swept")

    assert status_when_done == Status.COMPLETE
    assert await count(sessions, DeadJob) == 0
    async with sessions() as session:
        rows = [await session.get(TaskImport, job.id) for job in (retried, applied)]
    assert [row.failed_at for row in rows if row is not None] == [None, None]
