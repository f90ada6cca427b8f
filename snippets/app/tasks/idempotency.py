"""Idempotency-Key on POST: one row per (user, key), written with the task."""

import hashlib
import json
import uuid
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks import repository as task_repo
from app.tasks import service as task_service
from app.tasks.exceptions import (
    IdempotencyKeyInProgressError,
    IdempotencyKeyReusedError,
)
from app.tasks.schemas import TaskCreate, TaskRead


def request_hash(data: BaseModel) -> str:
    """SHA-256 of the canonical JSON of the validated body: key order is moot."""
    payload = data.model_dump(mode="json")
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --8<-- [start:store]
async def claim(
    session: AsyncSession,
    user_id: uuid.UUID,
    key: str,
    *,
    fingerprint: str,
    now: datetime,
    ttl: timedelta,
) -> dict[str, object] | None:
    """Take the key in this transaction (None), or return the stored response."""
    taken = await task_repo.claim_idempotency_key(
        session, user_id, key, fingerprint=fingerprint, now=now, expires_at=now + ttl
    )
    if taken:
        return None
    stored = await task_repo.get_idempotency_key(session, user_id, key)
    if stored is None or stored.response_body is None:
        raise IdempotencyKeyInProgressError("Retry once the first request is done.")
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReusedError("This key was used with another body.")
    return stored.response_body


async def create_task_once(
    session: AsyncSession,
    owner_id: uuid.UUID,
    data: TaskCreate,
    *,
    key: str | None,
    now: datetime,
    ttl: timedelta,
) -> tuple[TaskRead, bool]:
    """The created task, or the one a first request with this key created."""
    if key is None:
        return TaskRead.model_validate(
            await task_service.create_task(session, owner_id, data)
        ), False
    fingerprint = request_hash(data)
    stored = await claim(
        session, owner_id, key, fingerprint=fingerprint, now=now, ttl=ttl
    )
    if stored is not None:
        return TaskRead.model_validate(stored), True  # replayed, nothing inserted
    task = TaskRead.model_validate(
        await task_service.create_task(session, owner_id, data)
    )
    # Same transaction as the task: both are committed, or neither is.
    await task_repo.store_idempotent_response(
        session, owner_id, key, task.model_dump(mode="json")
    )
    return task, False


# --8<-- [end:store]


async def purge_expired(
    session: AsyncSession, *, now: datetime, batch_size: int
) -> int:
    """Delete a batch of expired keys (the retention job); how many went."""
    return await task_repo.delete_expired_idempotency_keys(
        session, now=now, batch_size=batch_size
    )
