"""The worker process and the purge job: `python -m app.worker [run|purge]`."""

import argparse
import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial

from pydantic import JsonValue
from redis.exceptions import RedisError
from saq import CronJob
from saq.types import Context
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.logging import configure_logging
from app.infra.cache import Cache, create_cache
from app.infra.clients.redis import PausingRedisQueue, create_queue
from app.infra.db.base import Timeouts, create_engine_and_sessionmaker
from app.worker import service as worker_service
from app.worker.config import (
    PurgeSettings,
    WorkerSettings,
    get_purge_settings,
    get_worker_settings,
)
from app.worker.constants import PROCESS_JOB, REQUEUE_CRON
from app.worker.schemas import Job
from app.worker.stopping import PromptWorker

logger = logging.getLogger(__name__)


class WorkerContext(Context, total=False):
    """What every job gets: the process's settings, database and cache."""

    settings: WorkerSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cache: Cache


# --8<-- [start:process-job]
async def process_job(ctx: WorkerContext, *, envelope: dict[str, JsonValue]) -> bool:
    """One attempt at a job: applied (True), skipped as a redelivery, or raised."""
    settings, sessions = ctx["settings"], ctx["sessions"]
    try:
        job = Job.model_validate(envelope)
        async with (
            asyncio.timeout(settings.job_timeout_seconds),
            sessions.begin() as session,
        ):
            stale = await worker_service.handle(session, job)
    except Exception as exc:
        # SAQ keeps only a traceback; the dead letter wants type and message.
        # Raised on: SAQ retries with backoff, and once it gives the job up,
        # the queue records it (`create_worker`).
        ctx["job"].meta["error"] = worker_service.describe(exc)
        raise
    # After the commit, so a reader that misses computes the new value; one that
    # read before the commit finds the version changed and stores nothing.
    if stale:
        await ctx["cache"].invalidate(*stale)
    logger.info("job done", extra={"job_id": str(job.id), "applied": stale is not None})
    return stale is not None


# --8<-- [end:process-job]


async def requeue_lost_jobs(ctx: WorkerContext) -> int:
    """SAQ's cron runs this on one worker every few minutes."""
    settings = ctx["settings"]
    return await worker_service.requeue_pending_imports(
        ctx["sessions"],
        ctx["worker"].queue,
        settings,
        accepted_before=datetime.now(UTC) - settings.job_requeue_after,
    )


# --8<-- [start:create-worker]
def create_worker(
    settings: WorkerSettings, queue: PausingRedisQueue
) -> PromptWorker[WorkerContext]:
    """A SAQ worker whose jobs share one engine and one cache per process."""

    async def startup(ctx: WorkerContext) -> None:
        configure_logging(settings.log_level)
        engine, sessions = create_engine_and_sessionmaker(
            settings.database_url.get_secret_value(),
            # Each job in flight holds one connection for its transaction.
            # One more for the dead letters the sweep writes beside the jobs.
            pool_size=settings.worker_concurrency + 1,
            max_overflow=0,
            timeouts=Timeouts.of(settings),
        )
        ctx["settings"], ctx["engine"], ctx["sessions"] = settings, engine, sessions
        # A last failed attempt, or a job whose worker died on it: a dead letter.
        queue.on_given_up = partial(worker_service.bury, sessions)
        redis_url = settings.redis_url.get_secret_value()
        ctx["cache"] = create_cache(
            redis_url, timeout_seconds=settings.redis_timeout_seconds
        )
        logger.info("worker ready", extra={"concurrency": settings.worker_concurrency})

    async def shutdown(ctx: WorkerContext) -> None:
        await ctx["cache"].aclose()
        await ctx["engine"].dispose()

    return PromptWorker(
        queue,
        functions=[(PROCESS_JOB, process_job)],
        # Jobs a queue lost are found in PostgreSQL and enqueued again.
        cron_jobs=[CronJob(requeue_lost_jobs, cron=REQUEUE_CRON, timeout=60)],
        concurrency=settings.worker_concurrency,
        startup=startup,
        shutdown=shutdown,
        # SIGTERM: stop taking jobs, let the ones in flight finish this long,
        # then cancel them; SAQ puts a cancelled job back on the queue.
        shutdown_grace_period_s=settings.worker_shutdown_grace_seconds,
        dequeue_timeout=1.0,  # an idle worker notices the stop within a second
    )


# --8<-- [end:create-worker]


async def run(settings: WorkerSettings) -> None:
    """Work until SIGTERM or SIGINT (SAQ installs the handlers)."""
    queue = create_queue(settings.redis_url.get_secret_value())
    worker = create_worker(settings, queue)
    await queue.connect()
    try:
        await worker.start()
    finally:
        try:
            await queue.disconnect()
        except (RedisError, OSError) as exc:  # Redis went first: nothing to close
            logger.warning("queue disconnect failed: %r", exc)
    logger.info("worker stopped")


async def purge_once(settings: PurgeSettings, *, now: datetime) -> dict[str, int]:
    """One retention run over every purge step; its own engine, then disposed."""
    engine, sessions = create_engine_and_sessionmaker(
        settings.database_url.get_secret_value(),
        pool_size=1,  # one purge step at a time
        max_overflow=0,
        timeouts=Timeouts.of(settings),
    )
    try:
        steps = worker_service.purge_steps(settings)
        return await worker_service.purge(sessions, steps, now=now)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    """`run` (the default) works the queue; `purge` runs once and exits."""
    parser = argparse.ArgumentParser(prog="python -m app.worker")
    parser.add_argument("command", nargs="?", choices=["run", "purge"], default="run")
    if parser.parse_args(argv).command == "purge":
        settings = get_purge_settings()  # no Redis: a cron job needs none
        configure_logging(settings.log_level)
        asyncio.run(purge_once(settings, now=datetime.now(UTC)))
    else:
        asyncio.run(run(get_worker_settings()))
