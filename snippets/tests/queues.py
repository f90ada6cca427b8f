"""The real job queue in a test: SAQ on the test Redis, a worker in this loop."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from pydantic import SecretStr
from saq import Queue, Worker
from saq.job import Job as SaqJob
from saq.job import Status
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.infra.clients.redis import PausingRedisQueue, create_queue
from app.tasks import repository as task_repo
from app.tasks import service as task_service
from app.worker import schemas as worker_schemas
from app.worker.config import WorkerSettings
from app.worker.main import WorkerContext, create_worker
from app.worker.schemas import Job

DONE = {Status.COMPLETE, Status.FAILED, Status.ABORTED}


def worker_settings(
    database_url: str, redis_url: str, **changes: object
) -> WorkerSettings:
    """Short delays, three attempts: a failing job is through in seconds."""
    values: dict[str, object] = {
        "job_max_attempts": 3,
        "job_retry_delay_seconds": 0.05,
        "job_retry_max_delay_seconds": 0.2,
        "job_timeout_seconds": 10,
        "worker_shutdown_grace_seconds": 1,  # SAQ waits it out on every stop
        "worker_concurrency": 2,
    } | changes
    return WorkerSettings.model_validate(
        {"database_url": SecretStr(database_url), "redis_url": SecretStr(redis_url)}
        | values
    )


@asynccontextmanager
async def connected_queue(
    settings: WorkerSettings,
) -> AsyncIterator[PausingRedisQueue]:
    queue = create_queue(settings.redis_url.get_secret_value())
    await queue.connect()
    try:
        yield queue
    finally:
        await queue.disconnect()


@asynccontextmanager
async def running_worker(
    settings: WorkerSettings, queue: PausingRedisQueue, *, sweep_first: bool = True
) -> AsyncIterator[Worker[WorkerContext]]:
    """A worker working `queue` until the block ends; then a graceful stop."""
    # SAQ's Redis sweep can catch a job between its dequeue and its ACTIVE
    # mark and run it again (handlers are idempotent, so only an attempt is
    # lost). A worker sweeps as it starts; sweeping first takes the sweep lock
    # for 60 s, so a test's attempt counts are exact.
    if sweep_first:
        await queue.sweep()
    worker = create_worker(settings, queue)
    worker.SIGNALS = []  # pytest keeps its own signal handlers
    started = asyncio.Event()

    async def mark_started(_: WorkerContext) -> None:
        started.set()

    worker.startup = [*(worker.startup or []), mark_started]
    task = asyncio.create_task(worker.start())
    try:
        # Yielded once its startup ran: the context holds the sessions.
        await asyncio.wait_for(started.wait(), timeout=10)
        yield worker
    finally:
        await worker.stop()
        await task


async def wait_until_done(queue: Queue, key: str, seconds: float = 20) -> SaqJob:
    """Poll the job's state until it completed or failed for good."""
    async with asyncio.timeout(seconds):
        while True:
            job = await queue.job(key)
            if job is not None and job.status in DONE:
                return job
            await asyncio.sleep(0.05)


def import_envelope(import_id: uuid.UUID) -> Job:
    return worker_schemas.import_job(import_id, now=datetime.now(UTC))


async def import_job(
    sessions: async_sessionmaker[AsyncSession], owner: str | uuid.UUID, *titles: str
) -> Job:
    """A `task.import` job as the API enqueues it, its import row committed."""
    owner_id, now = uuid.UUID(str(owner)), datetime.now(UTC)
    batch = task_service.new_import(owner_id, list(titles or ["Imported"]), now=now)
    async with sessions.begin() as session:
        await task_repo.add_import(session, batch)
    return import_envelope(batch.id)
