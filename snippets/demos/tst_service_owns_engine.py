"""Don't: a service that opens its own database, so no test can run without one."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.tasks.models import Task

# --8<-- [start:demo]
engine = create_async_engine("postgresql+asyncpg://tasks@localhost:5432/tasks")
sessions = async_sessionmaker(engine)


async def count_tasks(owner_id: uuid.UUID) -> int:
    # The session is not a parameter: a unit test cannot hand in a fake, so
    # testing even the simplest rule here needs a running PostgreSQL.
    async with sessions() as session:
        query = select(func.count()).where(Task.owner_id == owner_id)
        return await session.scalar(query) or 0


# --8<-- [end:demo]
