"""Queries of the worker: one function per named query, never a commit."""

import uuid
from datetime import datetime

from pydantic import JsonValue
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.worker.models import DeadJob, ProcessedJob


async def claim(session: AsyncSession, job_id: uuid.UUID, job_type: str) -> bool:
    """Record the job as applied; False when a previous delivery did so."""
    claimed = await session.scalar(
        insert(ProcessedJob)
        .values(job_id=job_id, job_type=job_type)
        .on_conflict_do_nothing(index_elements=[ProcessedJob.job_id])
        .returning(ProcessedJob.job_id)
    )
    return claimed is not None


async def was_processed(session: AsyncSession, job_id: uuid.UUID) -> bool:
    return await session.get(ProcessedJob, job_id) is not None


async def add_dead_job(  # keyword-only: the record's fields
    session: AsyncSession,
    *,
    job_id: uuid.UUID,
    job_type: str,
    payload: dict[str, JsonValue],
    attempts: int,
    error: str,
) -> None:
    """Insert the dead letter, or refresh it when the same job dies again."""
    values = {"job_type": job_type, "payload": payload, "attempts": attempts}
    statement = insert(DeadJob).values(job_id=job_id, error=error, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[DeadJob.job_id],
            set_={**values, "error": error, "failed_at": statement.excluded.failed_at},
        )
    )


async def delete_processed_before(
    session: AsyncSession, cutoff: datetime, *, batch: int
) -> int:
    """Delete up to `batch` processed-job rows older than `cutoff`."""
    oldest = (
        select(ProcessedJob.job_id)
        .where(ProcessedJob.processed_at < cutoff)
        .limit(batch)
        .with_for_update(skip_locked=True)  # two purges never block each other
    )
    result = await session.execute(
        delete(ProcessedJob).where(ProcessedJob.job_id.in_(oldest))
    )
    return result.rowcount  # type: ignore[attr-defined, no-any-return]  # a CursorResult


async def delete_dead_before(
    session: AsyncSession, cutoff: datetime, *, batch: int
) -> int:
    """Delete up to `batch` dead letters older than `cutoff` (they hold payloads)."""
    oldest = (
        select(DeadJob.job_id)
        .where(DeadJob.failed_at < cutoff)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(delete(DeadJob).where(DeadJob.job_id.in_(oldest)))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]  # a CursorResult
