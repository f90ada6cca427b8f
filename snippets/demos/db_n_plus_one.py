"""Anti-pattern: the owner of each task fetched by its own query (N+1)."""

# --8<-- [start:demo]
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Task
from app.users.models import User


async def list_titles_and_owners(
    session: AsyncSession, owner_id: uuid.UUID, *, limit: int = 50
) -> list[tuple[str, str]]:
    query = select(Task).where(Task.owner_id == owner_id).limit(limit)
    rows = []
    for task in (await session.scalars(query)).all():
        # One more round trip per row: a page of 50 tasks costs 51 queries.
        owner = await session.scalar(select(User).where(User.id == task.owner_id))
        rows.append((task.title, owner.display_name if owner else "?"))
    return rows


# --8<-- [end:demo]
