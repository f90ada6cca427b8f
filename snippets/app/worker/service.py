"""The worker's logic: idempotent handlers, the retry policy, the retention purge."""

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import JsonValue, ValidationError
from redis.exceptions import RedisError
from saq import Queue
from saq.job import Job as SaqJob
from saq.job import Status
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.exceptions import QueueUnavailableError
from app.tasks import idempotency
from app.tasks import repository as task_repo
from app.tasks import service as task_service
from app.tasks import summary as task_summary
from app.users import repository as user_repo
from app.worker import repository as worker_repo
from app.worker import schemas as worker_schemas
from app.worker.config import JobPolicy, PurgeSettings
from app.worker.constants import (
    ERROR_MAX_LENGTH,
    JOB_TYPE_MAX_LENGTH,
    PROCESS_JOB,
    PURGE_BATCH_SIZE,
    REQUEUE_BATCH_SIZE,
    JobType,
)
from app.worker.schemas import Job, TaskImport

logger = logging.getLogger(__name__)
_QUEUE_FAILURES = (RedisError, OSError, TimeoutError)

# A handler applies a job's effect and names the cache keys it made stale;
# they are invalidated after the commit.
Handler = Callable[[AsyncSession, dict[str, JsonValue]], Awaitable[Sequence[str]]]
GivenUp = Callable[[AsyncSession, dict[str, JsonValue]], Awaitable[None]]


# --8<-- [start:import-handler]
async def import_tasks(
    session: AsyncSession, payload: dict[str, JsonValue]
) -> Sequence[str]:
    """Not idempotent by itself: every run would insert the tasks again."""
    data = TaskImport.model_validate(payload)
    owner_id = await task_service.apply_import(
        session, data.import_id, now=datetime.now(UTC)
    )
    return [] if owner_id is None else [task_summary.summary_key(owner_id)]


async def fail_import(session: AsyncSession, payload: dict[str, JsonValue]) -> None:
    data = TaskImport.model_validate(payload)
    await task_service.fail_import(session, data.import_id, now=datetime.now(UTC))


HANDLERS: dict[JobType, Handler] = {JobType.TASK_IMPORT: import_tasks}
# What a job type records when it is given up on, with its dead letter.
ON_GIVEN_UP: dict[JobType, GivenUp] = {JobType.TASK_IMPORT: fail_import}


# --8<-- [end:import-handler]


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
def describe(error: BaseException) -> str:
    """`Type: first line of the message`: what a dead letter keeps of an error."""
    first = next(iter(str(error).splitlines()), "")
    return f"{type(error).__qualname__}: {first}"[:ERROR_MAX_LENGTH]


def _error_of(given_up: SaqJob) -> str:
    last = given_up.meta.get("error")  # set by `process_job` on each failure
    if given_up.status == Status.FAILED and isinstance(last, str):
        return last
    # SAQ's own text is a traceback, or a word ("swept"): keep its last line.
    lines = [line for line in (given_up.error or "").splitlines() if line.strip()]
    reason = f"{Status(given_up.status).value}: {lines[-1] if lines else 'no reason'}"
    return (f"{reason} (last error: {last})" if last else reason)[:ERROR_MAX_LENGTH]


async def bury(sessions: async_sessionmaker[AsyncSession], given_up: SaqJob) -> None:
    """Record a job SAQ gave up on, for a person to look at."""
    if given_up.function != PROCESS_JOB:  # SAQ's cron jobs: logged, run again
        return
    envelope: JsonValue = (given_up.kwargs or {}).get("envelope")
    try:
        job: Job | None = Job.model_validate(envelope)
    except ValidationError:
        job = None
    if job is not None:
        job_id, job_type, payload = job.id, str(job.type), job.payload
    else:  # not our envelope: keep what arrived, as escaped text (JSONB
        # refuses the NUL that JSON text may carry)
        job_id = uuid.uuid5(uuid.NAMESPACE_URL, given_up.key)
        job_type = given_up.function[:JOB_TYPE_MAX_LENGTH]
        payload = {"unreadable": json.dumps(envelope, default=str)[:ERROR_MAX_LENGTH]}
    async with sessions.begin() as session:  # its own transaction: the job's
        # rolled back. Applied after all (a worker thought dead finished it):
        # nothing to give up on.
        if job is not None and await worker_repo.was_processed(session, job.id):
            logger.warning("given up when applied", extra={"job_id": str(job_id)})
            return
        if job is not None and (record := ON_GIVEN_UP.get(job.type)) is not None:
            await record(session, job.payload)
        await worker_repo.add_dead_job(
            session,
            job_id=job_id,
            job_type=job_type,
            payload=payload,
            attempts=given_up.attempts,
            error=_error_of(given_up),
        )
    logger.error(
        "job dead-lettered",
        extra={"job_key": given_up.key, "status": Status(given_up.status).value},
    )


# --8<-- [end:dead-letter]


# --8<-- [start:enqueue]
async def enqueue(queue: Queue, job: Job, policy: JobPolicy) -> bool:
    """Put a job on the queue with the retry policy; False if it is queued already."""
    try:
        queued = await queue.enqueue(
            PROCESS_JOB,
            key=str(job.id),  # SAQ keeps one queued job per key: producers may retry
            envelope=job.model_dump(mode="json"),
            retries=policy.job_max_attempts,  # SAQ counts the first attempt too
            retry_delay=policy.job_retry_delay_seconds,
            # Exponential, with jitter: each delay is random in [0, delay * 2^n].
            retry_backoff=policy.job_retry_max_delay_seconds,
            # SAQ's own deadline is a backstop (a sweep retries a job whose worker
            # died); the attempt itself is cut off earlier (`app.worker.main`).
            timeout=policy.job_timeout_seconds + 5,
        )
    except _QUEUE_FAILURES as exc:  # nothing was taken
        raise QueueUnavailableError("The job queue did not answer.") from exc
    return queued is not None


# --8<-- [end:enqueue]


# --8<-- [start:requeue]
async def requeue_pending_imports(
    sessions: async_sessionmaker[AsyncSession],
    queue: Queue,
    policy: JobPolicy,
    *,
    accepted_before: datetime,
) -> int:
    """Enqueue again every import neither done nor failed; how many were taken.

    A job the queue still holds is not queued twice (SAQ keeps one per key),
    so this restores only the jobs the queue never got or lost: an enqueue
    that failed after the commit, a Redis restarted without its data, a
    failover to a replica that was behind, a dead letter not written.
    """
    async with sessions() as session:
        pending = await task_service.pending_imports(
            session, before=accepted_before, limit=REQUEUE_BATCH_SIZE
        )
    requeued = 0
    for import_id in pending:
        job = worker_schemas.import_job(import_id, now=datetime.now(UTC))
        if await enqueue(queue, job, policy):
            requeued += 1
    if requeued:
        logger.warning("lost jobs enqueued again", extra={"jobs": requeued})
    return requeued


# --8<-- [end:requeue]


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

    async def imports(session: AsyncSession, now: datetime) -> int:
        # Their status rows: a client polls for minutes, not for a month.
        return await task_repo.delete_imports_before(
            session, now - kept, batch_size=batch
        )

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
        return await user_repo.purge_expired_rate_keys(
            session, now=now, batch_size=batch
        )

    return [
        PurgeStep("worker_processed_job", processed_jobs),
        PurgeStep("worker_dead_job", dead_jobs),
        PurgeStep("task_import", imports),
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
