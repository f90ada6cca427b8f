"""Anti-pattern: `= Depends(...)` defaults repeat the type at every use."""

from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

router = APIRouter()
session_factory = async_sessionmaker(class_=AsyncSession)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


# --8<-- [start:demo]
@router.get("/tasks/count")
async def count_tasks(
    db: AsyncSession = Depends(get_db),  # noqa: B008, FAST002  # the anti-pattern
) -> int:
    # The type is written again at every route, tools that do not know FastAPI
    # see a default value, and nothing stops `db: AsyncSession = Depends(other)`.
    return len(db.new)


# --8<-- [end:demo]
