"""Queries of the tasks domain: one function per named query, never a commit."""

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from sqlalchemy import (
    DateTime,
    Select,
    SQLColumnExpression,
    String,
    cast,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.tasks.constants import TaskSort, TaskStatus
from app.tasks.models import Task

_NO_DUE_DATE = "infinity"  # undated tasks sort after every dated one
_TIMESTAMPTZ = DateTime(timezone=True)
SortKey = SQLColumnExpression[datetime] | SQLColumnExpression[str]
# The whitelist maps a sort name to a non-null SQL expression and its type.
_SORT_KEYS: dict[str, tuple[SortKey, DateTime | String]] = {
    "created_at": (Task.created_at, _TIMESTAMPTZ),
    "due_at": (
        func.coalesce(Task.due_at, literal_column("'infinity'::timestamptz")),
        _TIMESTAMPTZ,
    ),
    "title": (Task.title, String()),
}


def _owned(owner_id: uuid.UUID) -> Select[Task]:
    # Every query starts here: a user can only ever read their own tasks.
    return select(Task).where(Task.owner_id == owner_id).options(joinedload(Task.owner))


async def get_owned(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Task | None:
    query = _owned(owner_id).where(Task.id == task_id)
    if for_update:  # SELECT ... FOR UPDATE OF task: the owner row stays unlocked
        query = query.with_for_update(of=Task)
    return await session.scalar(query)


async def stream_owned(
    session: AsyncSession, owner_id: uuid.UUID, *, batch: int
) -> AsyncIterator[Sequence[Task]]:
    """A server-side cursor: `batch` rows per fetch, never the whole set in memory."""
    query = _owned(owner_id).order_by(Task.created_at, Task.id)
    result = await session.stream_scalars(query.execution_options(yield_per=batch))
    async for tasks in result.partitions(batch):
        yield tasks


def sort_value(task: Task, sort: TaskSort) -> str:
    """The sort key of a row as text, the form a cursor stores it in."""
    key = sort.removeprefix("-")
    if key == "title":
        return task.title
    value = task.created_at if key == "created_at" else task.due_at
    return _NO_DUE_DATE if value is None else value.isoformat()


# --8<-- [start:list-with-owner]
async def list_with_owner(  # keyword-only filters, one per param
    session: AsyncSession,
    owner_id: uuid.UUID,
    *,
    sort: TaskSort,
    limit: int,
    offset: int = 0,
    after: tuple[str, uuid.UUID] | None = None,
    status: TaskStatus | None = None,
    due_before: datetime | None = None,
) -> Sequence[Task]:
    """One SELECT ... JOIN user_account: the owners come with the page (no N+1)."""
    expression, sql_type = _SORT_KEYS[sort.removeprefix("-")]
    descending = sort.startswith("-")
    query = _owned(owner_id)  # joinedload(Task.owner): a JOIN, not a query per row
    if status is not None:
        query = query.where(Task.status == status)
    if due_before is not None:
        query = query.where(Task.due_at < due_before)
    if after is not None:
        # Keyset: rows strictly after the cursor's (sort value, id) pair.
        value, last_id = after
        position = tuple_(cast(literal(value), sql_type), literal(last_id))
        row = tuple_(expression, Task.id)
        query = query.where(row < position if descending else row > position)
    order = [expression, Task.id]
    query = query.order_by(*(col.desc() if descending else col for col in order))
    return (await session.scalars(query.limit(limit).offset(offset))).all()


# --8<-- [end:list-with-owner]


async def add(session: AsyncSession, task: Task) -> Task:
    session.add(task)
    await session.flush()  # fills id and timestamps (RETURNING) for the response
    return task


async def delete(session: AsyncSession, task: Task) -> None:
    await session.delete(task)
    await session.flush()


# --8<-- [start:summary-rows]
async def count_by_status(
    session: AsyncSession, owner_id: uuid.UUID
) -> Sequence[tuple[TaskStatus, int, datetime | None]]:
    """Per status: how many tasks, and the earliest due date (one GROUP BY)."""
    query = (
        select(Task.status, func.count(), func.min(Task.due_at))
        .where(Task.owner_id == owner_id)
        .group_by(Task.status)
    )
    rows = await session.execute(query)
    return [(status, count, due) for status, count, due in rows]


# --8<-- [end:summary-rows]
