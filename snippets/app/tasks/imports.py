"""Bulk imports: accepted by the API with a 202, applied later by the worker."""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks import idempotency
from app.tasks import repository as task_repo
from app.tasks import service as task_service
from app.tasks.constants import ImportStatus
from app.tasks.exceptions import ImportNotFoundError, TooManyImportsError
from app.tasks.models import TaskImport
from app.tasks.schemas import TaskImportCreate, TaskImportRead
from app.worker import schemas as worker_schemas


def _read(batch: TaskImport, status: ImportStatus) -> TaskImportRead:
    return TaskImportRead(
        id=batch.id,
        status=status,
        title_count=batch.title_count,
        accepted_at=batch.accepted_at,
        done_at=batch.done_at,
    )


# --8<-- [start:accept-import]
async def accept_import(  # keyword-only: the key, the clock, the limits
    session: AsyncSession,
    owner_id: uuid.UUID,
    data: TaskImportCreate,
    *,
    after_commit: Callable[[worker_schemas.Job], None],
    key: str | None,
    now: datetime,
    ttl: timedelta,
    max_pending: int,
) -> tuple[TaskImportRead, bool]:
    """Record the import, its job to be enqueued once this commits; or replay."""
    if key is not None:
        fingerprint = idempotency.request_hash(data)
        stored = await idempotency.claim(
            session, owner_id, key, fingerprint=fingerprint, now=now, ttl=ttl
        )
        if stored is not None:  # where the first one's import stands now
            first = TaskImportRead.model_validate(stored)
            return await get_import(session, owner_id, first.id), True
    if await task_service.count_pending_imports(session, owner_id) >= max_pending:
        raise TooManyImportsError(f"At most {max_pending} imports may wait at once.")
    batch = await task_repo.add_import(
        session, task_service.new_import(owner_id, data.titles, now=now)
    )
    # The titles are in the row; the job carries its ID only, and is enqueued
    # after the commit: no job for a row that was rolled back. If the enqueue
    # fails, the import waits for the worker's requeue (`requeue_pending_imports`).
    after_commit(worker_schemas.import_job(batch.id, now=now))
    accepted = _read(batch, ImportStatus.ACCEPTED)
    if key is not None:
        await task_repo.store_idempotent_response(
            session, owner_id, key, accepted.model_dump(mode="json")
        )
    return accepted, False


# --8<-- [end:accept-import]


async def get_import(
    session: AsyncSession, owner_id: uuid.UUID, import_id: uuid.UUID
) -> TaskImportRead:
    """The caller's import; another user's is "not found" too."""
    batch = await task_repo.get_owned_import(session, owner_id, import_id)
    if batch is None:
        raise ImportNotFoundError
    if batch.done_at is not None:
        return _read(batch, ImportStatus.DONE)
    if batch.failed_at is not None:
        return _read(batch, ImportStatus.FAILED)
    return _read(batch, ImportStatus.ACCEPTED)
