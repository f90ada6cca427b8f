"""Anti-pattern: a router that queries, applies the business rule and commits."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Task(Base):
    __tablename__ = "demo_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]


async def get_session() -> AsyncSession:
    raise NotImplementedError  # stands in for the app's session dependency


router = APIRouter()


# --8<-- [start:demo]
@router.post("/tasks/{task_id}/done")
async def mark_done(
    task_id: int, session: Annotated[AsyncSession, Depends(get_session)]
) -> dict[str, str]:
    # Query, rule and transaction all live in the HTTP layer: no other entry
    # point (a worker, a CLI) can reuse them, and no test can skip HTTP.
    task = await session.scalar(select(Task).where(Task.id == task_id))
    if task is None:
        raise HTTPException(status_code=404)
    if task.status != "done":
        task.status = "done"
        await session.commit()
    return {"status": task.status}


# --8<-- [end:demo]
