"""Idempotent job handlers: a redelivered job finds its ID and does nothing."""

import uuid
from collections.abc import Awaitable, Callable

from pydantic import JsonValue
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.models import ApiModel
from app.tasks import service as task_service
from app.tasks.schemas import TaskCreate, Title
from app.worker.jobs import Job
from app.worker.models import ProcessedJob

Handler = Callable[[AsyncSession, dict[str, JsonValue]], Awaitable[None]]


class TaskImport(ApiModel):
    """Payload of `task.import`: a task created for a user by another system."""

    owner_id: uuid.UUID
    title: Title


async def import_task(session: AsyncSession, payload: dict[str, JsonValue]) -> None:
    """Not idempotent by itself: every run would insert another task."""
    data = TaskImport.model_validate(payload)
    await task_service.create_task(session, data.owner_id, TaskCreate(title=data.title))


HANDLERS: dict[str, Handler] = {"task.import": import_task}


# --8<-- [start:idempotent-handler]
async def handle(session: AsyncSession, job: Job) -> bool:
    """Apply a job at most once; False when it had been applied before."""
    # The job's ID and its effect commit in one transaction: a crash between
    # them rolls both back, and the redelivery runs the job again.
    claimed = await session.scalar(
        insert(ProcessedJob)
        .values(job_id=job.id, job_type=job.type)
        .on_conflict_do_nothing(index_elements=[ProcessedJob.job_id])
        .returning(ProcessedJob.job_id)
    )
    if claimed is None:
        return False  # a redelivery: acknowledge it, do nothing
    await HANDLERS[job.type](session, job.payload)
    return True


# --8<-- [end:idempotent-handler]
