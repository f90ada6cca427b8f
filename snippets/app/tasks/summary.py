"""The caller's task summary: computed in SQL, cached in Redis per user."""

import logging
import uuid
from datetime import datetime, timedelta

from pydantic import ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.models import ApiModel, Count, UtcDatetime
from app.infra.cache import Cache
from app.tasks import repository as task_repo
from app.tasks.constants import TaskStatus

logger = logging.getLogger(__name__)

# Bump when TaskSummary changes shape: old entries are then never read again.
SUMMARY_FORMAT = "v1"


class TaskSummary(ApiModel):
    """How many tasks the caller has, by status, and what is due first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 3,
                    "by_status": {"todo": 1, "doing": 1, "done": 1},
                    "next_due_at": "2026-12-24T17:00:00Z",
                }
            ]
        }
    )

    total: Count = Field(examples=[3])
    by_status: dict[TaskStatus, Count] = Field(
        examples=[{"todo": 1, "doing": 1, "done": 1}]
    )
    next_due_at: UtcDatetime | None = Field(
        description="The earliest due date of a task not done yet.",
        examples=["2026-12-24T17:00:00Z"],
    )


# --8<-- [start:cache-key]
def summary_key(owner_id: uuid.UUID) -> str:
    """Domain, format version and every input: the owner is part of the key."""
    # In braces, a Redis Cluster hash tag: the key and its `:version` share
    # a slot, as the MGET and the scripts on both need.
    return f"tasks:{SUMMARY_FORMAT}:summary:{{{owner_id}}}"


# --8<-- [end:cache-key]


async def compute_summary(session: AsyncSession, owner_id: uuid.UUID) -> TaskSummary:
    """The summary from PostgreSQL: one aggregate query."""
    rows = await task_repo.count_by_status(session, owner_id)
    by_status = dict.fromkeys(TaskStatus, 0) | {status: n for status, n, _ in rows}
    due: list[datetime] = [
        due_at
        for status, _, due_at in rows
        if due_at is not None and status != TaskStatus.DONE
    ]
    return TaskSummary(
        total=sum(by_status.values()),
        by_status=by_status,
        next_due_at=min(due, default=None),
    )


# --8<-- [start:cached-read]
async def get_summary(
    session: AsyncSession, cache: Cache, owner_id: uuid.UUID, *, ttl: timedelta
) -> TaskSummary:
    """Read through the cache; a miss or a Redis outage computes it."""
    key = summary_key(owner_id)
    found = await cache.get(key)
    if found.value is not None:
        try:
            return TaskSummary.model_validate_json(found.value)
        except ValidationError:  # another shape: a deploy kept SUMMARY_FORMAT
            logger.warning("unreadable summary in the cache, recomputed")
    summary = await compute_summary(session, owner_id)
    # Stored only if no write invalidated the key since `get`: a write that
    # committed while this query ran would otherwise be hidden for the TTL.
    value = summary.model_dump_json().encode()
    await cache.set(key, value, ttl=ttl, version=found.version)
    return summary


# --8<-- [end:cached-read]
