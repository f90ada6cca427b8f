"""The real job queue in a test: SAQ on the test Redis, a worker in this loop."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr
from saq import Queue, Worker
from saq.job import Job as SaqJob
from saq.job import Status

from app.infra.clients.redis import create_queue
from app.worker.config import WorkerSettings
from app.worker.main import WorkerContext, create_worker

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
async def connected_queue(settings: WorkerSettings) -> AsyncIterator[Queue]:
    queue = create_queue(settings.redis_url.get_secret_value())
    await queue.connect()
    try:
        yield queue
    finally:
        await queue.disconnect()


@asynccontextmanager
async def running_worker(
    settings: WorkerSettings, queue: Queue
) -> AsyncIterator[Worker[WorkerContext]]:
    """A worker working `queue` until the block ends; then a graceful stop."""
    # SAQ's Redis sweep can catch a job between its dequeue and its ACTIVE
    # mark and run it again (handlers are idempotent, so only an attempt is
    # lost). A worker sweeps as it starts; sweeping first takes the sweep lock
    # for 60 s, so a test's attempt counts are exact.
    await queue.sweep()
    worker = create_worker(settings, queue)
    worker.SIGNALS = []  # pytest keeps its own signal handlers
    task = asyncio.create_task(worker.start())
    try:
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
