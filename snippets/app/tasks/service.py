"""Tasks business logic: ownership, partial updates and keyset paging."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Cursor, PageParams, decode_cursor, encode_cursor

# --8<-- [start:cross-domain-imports]
# Another domain is used through its public service module, named explicitly,
# so a reader sees at the call site which domain does the work.
from app.tasks import repository as task_repo
from app.tasks.constants import TaskSort, TaskStatus
from app.tasks.exceptions import TaskNotFoundError
from app.tasks.models import Task
from app.tasks.schemas import Money, TaskCreate, TaskUpdate
from app.users import service as user_service

# --8<-- [end:cross-domain-imports]


def _set_budget(task: Task, budget: Money | None) -> None:
    task.budget_amount = budget.amount if budget else None
    task.budget_currency = budget.currency if budget else None


# --8<-- [start:create-task]
async def create_task(
    session: AsyncSession, owner_id: uuid.UUID, data: TaskCreate
) -> Task:
    """Store a new task for its owner; the returned row carries the owner too."""
    owner = await user_service.get_user(session, owner_id)
    task = Task(
        owner=owner,
        title=data.title,
        description=data.description,
        status=data.status,
        due_at=data.due_at,
    )
    _set_budget(task, data.budget)
    return await task_repo.add(session, task)


# --8<-- [end:create-task]


async def get_task(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID
) -> Task:
    """Someone else's task is "not found": its existence is not ours to reveal."""
    task = await task_repo.get_owned(session, owner_id, task_id)
    if task is None:
        raise TaskNotFoundError
    return task


async def list_tasks(  # keyword-only filters, one per param
    session: AsyncSession,
    owner_id: uuid.UUID,
    *,
    page: PageParams,
    sort: TaskSort,
    status: TaskStatus | None = None,
    due_before: datetime | None = None,
) -> tuple[Sequence[Task], str | None]:
    """One page of the owner's tasks and the cursor of the next one, if any."""
    after = None
    if page.cursor is not None:
        cursor = decode_cursor(page.cursor, sort=sort)
        after = (cursor.value or "", cursor.id)
    # One row more than asked tells whether another page exists, without COUNT(*).
    rows = await task_repo.list_with_owner(
        session,
        owner_id,
        sort=sort,
        limit=page.limit + 1,
        offset=page.offset,
        after=after,
        status=status,
        due_before=due_before,
    )
    tasks = rows[: page.limit]
    next_cursor = None
    if len(rows) > page.limit:
        last = tasks[-1]
        value = task_repo.sort_value(last, sort)
        next_cursor = encode_cursor(Cursor(sort=sort, value=value, id=last.id))
    return tasks, next_cursor


async def update_task(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID, data: TaskUpdate
) -> Task:
    """Apply only the fields the client sent (PATCH semantics)."""
    task = await get_task(session, owner_id, task_id)
    changes = data.model_dump(exclude_unset=True, exclude={"budget"})
    for field, value in changes.items():
        setattr(task, field, value)
    if "budget" in data.model_fields_set:
        _set_budget(task, data.budget)
    await session.flush()
    return task


async def replace_task(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID, data: TaskCreate
) -> Task:
    """Overwrite every field; kept only for the deprecated PUT endpoint."""
    task = await get_task(session, owner_id, task_id)
    for field, value in data.model_dump(exclude={"budget"}).items():
        setattr(task, field, value)
    _set_budget(task, data.budget)
    await session.flush()
    return task


async def delete_task(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID
) -> None:
    task = await get_task(session, owner_id, task_id)
    await task_repo.delete(session, task)
