"""Dependencies of the tasks endpoints, exposed as `Annotated` aliases."""

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Header, Query, Request
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema
from saq import Queue

from app.core.config import SettingsDep
from app.core.exceptions import QueueUnavailableError
from app.core.metrics import Metrics
from app.core.models import UtcDatetime
from app.core.security import AccessClaimsDep, SignedInBrieflyDep, TokenClaimsDep
from app.infra.cache import CacheDep
from app.infra.clients.webhook import post_webhook
from app.tasks import summary
from app.tasks.constants import TaskSort, TaskStatus
from app.tasks.export_slots import ExportSlots
from app.tasks.models import Task
from app.tasks.schemas import TaskDoneEvent
from app.tasks.service import OnDone
from app.worker import service as worker_service
from app.worker.config import JobPolicy, get_job_policy
from app.worker.schemas import Job

logger = logging.getLogger(__name__)


# --8<-- [start:service-dependency]
async def get_owner_id(claims: AccessClaimsDep) -> uuid.UUID:
    """The caller's user ID, from the verified token and its live session (SEC-002)."""
    return claims.sub


OwnerIdDep = Annotated[uuid.UUID, Depends(get_owner_id)]
SortQuery = Annotated[TaskSort, Query(description="Sort order; `-` is descending.")]
# `| SkipJsonSchema[None]`: optional, but a query or a header is never `null`,
# so the document does not offer a value no client can send.
StatusQuery = Annotated[
    TaskStatus | SkipJsonSchema[None], Query(description="Only this status.")
]
DueBeforeQuery = Annotated[
    UtcDatetime | SkipJsonSchema[None],
    Query(description="Only tasks due before this instant (RFC 3339)."),
]
# --8<-- [end:service-dependency]

# The constraints sit on the string itself: on the `| None` union FastAPI
# would drop the pattern from the document (and keep it in validation).
IdempotencyKey = Annotated[
    str,
    Field(
        min_length=8,
        max_length=255,
        pattern=r"^[A-Za-z0-9._:-]+$",  # printable and log-safe, e.g. a UUID
    ),
]
IdempotencyKeyHeader = Annotated[
    IdempotencyKey | SkipJsonSchema[None],
    Header(
        description="Makes a retried POST safe: the same key and body replay "
        "the first response instead of creating a second task.",
        examples=["5b0f3c3e-1d2a-4f8e-9c7b-2a1e4d6f8a90"],
    ),
]
IfNoneMatchHeader = Annotated[
    str | SkipJsonSchema[None],
    Header(max_length=1024, description="ETags the client holds."),
]
IfMatchHeader = Annotated[
    str | SkipJsonSchema[None],
    Header(
        max_length=1024,
        description="Optional: the ETag the change is based on; 412 if stale.",
    ),
]


# --8<-- [start:webhook-trigger]
async def get_on_done(
    request: Request, background: BackgroundTasks, settings: SettingsDep
) -> OnDone | None:
    """Post `task.done` to the configured webhook, after the response is sent."""
    if settings.webhook_url is None:
        return None
    metrics: Metrics = request.app.state.metrics

    def on_done(task: Task) -> None:
        event = TaskDoneEvent(
            id=uuid.uuid4(), task_id=task.id, occurred_at=datetime.now(UTC)
        )
        background.add_task(
            post_webhook,
            request.app.state.http_client,
            str(settings.webhook_url),
            event_id=event.id,
            body=event.model_dump_json().encode(),
            budget_seconds=settings.webhook_budget_seconds,
            on_retry=metrics.count_retry("webhook"),
        )

    return on_done


OnDoneDep = Annotated[OnDone | None, Depends(get_on_done)]
# --8<-- [end:webhook-trigger]


async def get_exporting_owner_id(signed_in: SignedInBrieflyDep) -> uuid.UUID:
    """The caller, checked in a transaction that ends at once.

    The export reads its first batch in the endpoint: on the request's session
    the check would still hold a connection then, two per export at once.
    """
    return signed_in.claims.sub


ExportingOwnerIdDep = Annotated[uuid.UUID, Depends(get_exporting_owner_id)]


# --8<-- [start:export-slot]
async def export_slot(
    request: Request, owner_id: ExportingOwnerIdDep, settings: SettingsDep
) -> AsyncIterator[None]:
    """Hold one export slot until the last byte is sent (or the client left)."""
    state = request.app.state
    if not hasattr(state, "export_slots"):  # one per app, made on first use
        state.export_slots = ExportSlots(
            total=settings.export_max_concurrent,
            per_user=settings.export_max_per_user,
        )
    give_back = state.export_slots.take(owner_id)  # 429 when none is free
    try:
        yield  # scope "request": this resumes after the streamed body ends
    finally:
        give_back()


ExportSlotDep = Depends(export_slot)
# --8<-- [end:export-slot]


# --8<-- [start:invalidate-after-commit]
async def invalidate_summary(
    request: Request, claims: TokenClaimsDep, cache: CacheDep
) -> AsyncIterator[None]:
    """After a write, drop the caller's cached summary, once it has committed."""
    yield
    # On the router, so FastAPI enters it before the endpoint's session and
    # leaves it after: the session has committed (or raised) by this line.
    # It must not need the session itself (the token's claims do not), or
    # FastAPI would open the session first and commit it after this line.
    if request.method not in {"GET", "HEAD"}:
        await cache.invalidate(summary.summary_key(claims.sub))


InvalidatesSummary = Depends(invalidate_summary, scope="function")
# --8<-- [end:invalidate-after-commit]


async def forget_summary(
    claims: TokenClaimsDep, cache: CacheDep
) -> AsyncIterator[None]:
    """After the account's deletion commits, erase its summary and its version."""
    yield
    await cache.forget(summary.summary_key(claims.sub))


ForgetsSummary = Depends(forget_summary, scope="function")


# --8<-- [start:producer-queue]
async def get_queue(request: Request) -> Queue:
    """The process's producer queue, opened by the lifespan (None: no Redis)."""
    queue: Queue | None = request.app.state.queue
    if queue is None:
        raise QueueUnavailableError("This deployment has no job queue.", retry=False)
    return queue


async def get_retry_policy() -> JobPolicy:
    """The jobs' retry policy, read once (async: no thread hop per request)."""
    return get_job_policy()


QueueDep = Annotated[Queue, Depends(get_queue)]
JobPolicyDep = Annotated[JobPolicy, Depends(get_retry_policy)]


class JobOutbox:
    """Jobs a request enqueues once its transaction has committed."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def add(self, job: Job) -> None:
        self.jobs.append(job)


async def job_outbox(queue: QueueDep, policy: JobPolicyDep) -> AsyncIterator[JobOutbox]:
    """Declared before the session, so FastAPI leaves it after the commit."""
    outbox = JobOutbox()
    yield outbox
    # Reached only if the endpoint and its commit succeeded: no job for a row
    # that was rolled back.
    for job in outbox.jobs:
        try:
            await worker_service.enqueue(queue, job, policy)
        except QueueUnavailableError:
            # Committed, so accepted: the worker's requeue enqueues it later.
            logger.warning("job left for the requeue", extra={"job_id": str(job.id)})


JobOutboxDep = Annotated[JobOutbox, Depends(job_outbox, scope="function")]
# --8<-- [end:producer-queue]
