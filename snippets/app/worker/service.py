"""The worker's logic: idempotent handlers, the retry policy, the retention purge."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import JsonValue
from saq import Queue
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core import rate_limit
from app.tasks import idempotency
from app.tasks import service as task_service
from app.tasks import summary as task_summary
from app.tasks.schemas import TaskCreate
from app.users import repository as user_repo
from app.worker import repository as worker_repo
from app.worker.config import PurgeSettings, WorkerSettings
from app.worker.constants import (
    ERROR_MAX_LENGTH,
    PROCESS_JOB,
    PURGE_BATCH_SIZE,
    JobType,
)
from app.worker.schemas import Job, TaskImport

logger = logging.getLogger(__name__)

# A handler applies a job's effect and names the cache keys it made stale;
# they are deleted after the commit.
Handler = Callable[[AsyncSession, dict[str, JsonValue]], Awaitable[Sequence[str]]]


async def import_task(
    session: AsyncSession, payload: dict[str, JsonValue]
) -> Sequence[str]:
    """Not idempotent by itself: every run would insert another task."""
    data = TaskImport.model_validate(payload)
    await task_service.create_task(session, data.owner_id, TaskCreate(title=data.title))
    return [task_summary.summary_key(data.owner_id)]


HANDLERS: dict[JobType, Handler] = {JobType.TASK_IMPORT: import_task}


# --8<-- [start:idempotent-handler]
async def handle(session: AsyncSession, job: Job) -> Sequence[str] | None:
    """Apply a job at most once; None when it had been applied before."""
    # The job's ID and its effect commit in one transaction: a crash between
    # them rolls both back, and the redelivery runs the job again.
    if not await worker_repo.claim(session, job.id, job.type):
        return None  # a redelivery: acknowledge it, do nothing
    return await HANDLERS[job.type](session, job.payload)


# --8<-- [end:idempotent-handler]


# --8<-- [start:dead-letter]
async def bury(
    sessions: async_sessionmaker[AsyncSession],
    job: Job,
    *,
    attempts: int,
    error: BaseException,
) -> None:
    """Record a job that failed its last attempt, for a person to look at."""
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    async with sessions.begin() as session:  # its own transaction: the job's
        await worker_repo.add_dead_job(  # rolled back
            session,
            job_id=job.id,
            job_type=job.type,
            payload=job.payload,
            attempts=attempts,
            error=text,
        )
    logger.error(
        "job dead-lettered",
        extra={"job_id": str(job.id), "job_type": job.type, "attempts": attempts},
    )


# --8<-- [end:dead-letter]


# --8<-- [start:enqueue]
async def enqueue(queue: Queue, job: Job, settings: WorkerSettings) -> bool:
    """Put a job on the queue with the retry policy; False if it is queued already."""
    queued = await queue.enqueue(
        PROCESS_JOB,
        key=str(job.id),  # SAQ keeps one queued job per key: producers may retry
        envelope=job.model_dump(mode="json"),
        retries=settings.job_max_attempts,  # SAQ counts the first attempt too
        retry_delay=settings.job_retry_delay_seconds,
        # Exponential, with jitter: each delay is random in [0, delay * 2^n].
        retry_backoff=settings.job_retry_max_delay_seconds,
        # SAQ's own deadline is a backstop (a sweep retries a job whose worker
        # died); the attempt itself is cut off earlier (`app.worker.main`).
        timeout=settings.job_timeout_seconds + 5,
    )
    return queued is not None


# --8<-- [end:enqueue]


PurgeRun = Callable[[AsyncSession, datetime], Awaitable[int]]


@dataclass(frozen=True)
class PurgeStep:
    """One kind of expired data: `run` deletes a batch and says how many went."""

    name: str
    run: PurgeRun


# --8<-- [start:purge-steps]
def purge_steps(settings: PurgeSettings) -> list[PurgeStep]:
    """Every retention rule the purge job enforces; add a step per new table."""
    kept = settings.processed_job_retention
    batch = PURGE_BATCH_SIZE

    async def processed_jobs(session: AsyncSession, now: datetime) -> int:
        cutoff = now - kept
        return await worker_repo.delete_processed_before(session, cutoff, batch=batch)

    async def dead_jobs(session: AsyncSession, now: datetime) -> int:
        return await worker_repo.delete_dead_before(session, now - kept, batch=batch)

    async def idempotency_keys(session: AsyncSession, now: datetime) -> int:
        return await idempotency.purge_expired(session, now=now, batch_size=batch)

    async def ended_sessions(session: AsyncSession, now: datetime) -> int:
        # Signed out or expired; their refresh tokens go with them (cascade).
        return await user_repo.delete_ended_sessions(session, now=now, batch_size=batch)

    async def refresh_tokens(session: AsyncSession, now: datetime) -> int:
        return await user_repo.delete_expired_refresh_tokens(
            session, now=now, batch_size=batch
        )

    async def rate_limit_buckets(session: AsyncSession, now: datetime) -> int:
        # A full bucket is the same as no row: it only holds a client's digest.
        return await rate_limit.purge_expired(session, now=now, batch_size=batch)

    return [
        PurgeStep("worker_processed_job", processed_jobs),
        PurgeStep("worker_dead_job", dead_jobs),
        PurgeStep("task_idempotency_key", idempotency_keys),
        PurgeStep("user_session", ended_sessions),  # before the tokens: cascades
        PurgeStep("user_refresh_token", refresh_tokens),
        PurgeStep("rate_limit_counter", rate_limit_buckets),
    ]


# --8<-- [end:purge-steps]


# --8<-- [start:purge]
async def purge(
    sessions: async_sessionmaker[AsyncSession],
    steps: Sequence[PurgeStep],
    *,
    now: datetime,
) -> dict[str, int]:
    """Run each step in batches, one transaction each, until nothing is left."""
    deleted: dict[str, int] = {}
    for step in steps:
        deleted[step.name] = 0
        while True:
            async with sessions.begin() as session:
                count = await step.run(session, now)
            deleted[step.name] += count
            if count == 0:
                break
        # Counts only, never which rows: a log line must not say whose data went.
        logger.info("purged", extra={"table": step.name, "rows": deleted[step.name]})
    return deleted


# --8<-- [end:purge]
