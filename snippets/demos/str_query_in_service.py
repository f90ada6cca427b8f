"""Anti-pattern: SQL written in the service, committed by the service."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Task


# --8<-- [start:demo]
async def rename_task(session: AsyncSession, task_id: uuid.UUID, title: str) -> Task:
    # The query is written inline (and again in the next function that needs it),
    # and the commit ends the request's transaction halfway through its work.
    task = (await session.scalars(select(Task).where(Task.id == task_id))).one()
    task.title = title
    await session.commit()
    return task


# --8<-- [end:demo]
