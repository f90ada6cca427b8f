"""Tasks business logic: ownership, partial updates and keyset paging."""

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.conditional import check_if_match
from app.core.pagination import Cursor, InvalidCursorError, PageParams, cursor_scope

# --8<-- [start:cross-domain-imports]
# Another domain is used through its public service module, named explicitly,
# so a reader sees at the call site which domain does the work.
from app.tasks import repository as task_repo
from app.tasks.constants import EXPORT_BATCH_SIZE, TaskSort, TaskStatus
from app.tasks.exceptions import ImportNotFoundError, TaskNotFoundError
from app.tasks.models import Task, TaskImport
from app.tasks.schemas import Money, TaskCreate, TaskUpdate
from app.tasks.utils import task_etag, task_read
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


OnDone = Callable[[Task], None]


async def get_task(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    *,
    if_match: str | None = None,
) -> Task:
    """Someone else's task is "not found": its existence is not ours to reveal."""
    # A write locks the row first, so the If-Match check cannot race a writer.
    lock = if_match is not None
    task = await task_repo.get_owned(session, owner_id, task_id, for_update=lock)
    if task is None:
        raise TaskNotFoundError
    if if_match is not None:  # 412 when the client's copy is stale
        check_if_match(if_match, task_etag(task))
    return task


async def read_task(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID
) -> task_repo.TaskRow:
    """One of the owner's tasks for a response: a row, no ORM object to track."""
    row = await task_repo.read_owned(session, owner_id, task_id)
    if row is None:
        raise TaskNotFoundError
    return row


def _notify_if_done(task: Task, was: TaskStatus, on_done: OnDone | None) -> None:
    if on_done is not None and was != TaskStatus.DONE == task.status:
        on_done(task)  # the caller decides how (a webhook, after the response)


async def list_tasks(  # keyword-only filters, one per param
    session: AsyncSession,
    owner_id: uuid.UUID,
    *,
    page: PageParams,
    sort: TaskSort,
    status: TaskStatus | None = None,
    due_before: datetime | None = None,
) -> tuple[Sequence[task_repo.TaskRow], str | None]:
    """One page of the owner's tasks and the cursor of the next one, if any."""
    # A cursor continues only the query it came from: same user, same filters.
    scope = cursor_scope(owner_id, status, due_before)
    after = None
    if page.cursor is not None:
        cursor = page.signer.decode(page.cursor, sort=sort, scope=scope)
        # Signed by us, and still checked against the column's type: a value
        # never reaches SQL as something PostgreSQL cannot cast (a 500).
        if cursor.value is None or not task_repo.is_sort_value(sort, cursor.value):
            raise InvalidCursorError("The cursor's position is invalid.")
        after = (cursor.value, cursor.id)
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
        position = Cursor(sort=sort, value=value, id=last.id, scope=scope)
        next_cursor = page.signer.encode(position)
    return tasks, next_cursor


async def update_task(  # keyword-only preconditions and hooks
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    data: TaskUpdate,
    *,
    if_match: str | None = None,
    on_done: OnDone | None = None,
) -> Task:
    """Apply only the fields the client sent (PATCH semantics)."""
    task = await get_task(session, owner_id, task_id, if_match=if_match)
    was = task.status
    changes = data.model_dump(exclude_unset=True, exclude={"budget"})
    for field, value in changes.items():
        setattr(task, field, value)
    if "budget" in data.model_fields_set:
        _set_budget(task, data.budget)
    await session.flush()
    _notify_if_done(task, was, on_done)
    return task


async def replace_task(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    data: TaskCreate,
    *,
    if_match: str | None = None,
    on_done: OnDone | None = None,
) -> Task:
    """Overwrite every field; kept only for the deprecated PUT endpoint."""
    task = await get_task(session, owner_id, task_id, if_match=if_match)
    was = task.status
    for field, value in data.model_dump(exclude={"budget"}).items():
        setattr(task, field, value)
    _set_budget(task, data.budget)
    await session.flush()
    _notify_if_done(task, was, on_done)
    return task


async def delete_task(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    *,
    if_match: str | None = None,
) -> None:
    task = await get_task(session, owner_id, task_id, if_match=if_match)
    await task_repo.delete(session, task)


# --8<-- [start:export]
async def export_ndjson(
    sessions: async_sessionmaker[AsyncSession],
    owner_id: uuid.UUID,
    *,
    batch: int = EXPORT_BATCH_SIZE,
) -> AsyncIterator[bytes]:
    """The owner's tasks as NDJSON, one chunk per keyset batch.

    Each batch is its own short transaction, and the connection goes back to
    the pool *before* the chunk is sent: a client that reads slowly stalls its
    own download only, never a pooled connection. Each row comes once; rows
    written during a long export may or may not be in it.
    """
    after = None
    while True:
        async with sessions() as session:
            rows = await task_repo.export_batch(
                session, owner_id, after=after, limit=batch
            )
        lines = [task_read(row).model_dump_json() for row in rows]
        if lines:
            yield "".join(f"{line}\n" for line in lines).encode()
        if len(rows) < batch:
            return
        after = (rows[-1].created_at, rows[-1].id)


# --8<-- [end:export]


# --8<-- [start:apply-import]
async def apply_import(
    session: AsyncSession, import_id: uuid.UUID, *, now: datetime
) -> uuid.UUID | None:
    """Create an import's tasks in one statement and mark it done; its owner,
    or None when the import is gone (its account was deleted)."""
    # Read, not locked: the tasks' foreign key then locks the owner before
    # the import's row is, the order an account's deletion takes them in.
    batch = await task_repo.get_import(session, import_id)
    if batch is None:
        return None  # the job was enqueued after the commit: deleted since
    await task_repo.add_titled(session, batch.owner_id, batch.titles)
    if not await task_repo.mark_import_done(session, import_id, now=now):
        # Deleted, or given up on meanwhile (failed is final): roll back.
        raise ImportNotFoundError
    return batch.owner_id


# --8<-- [end:apply-import]


async def pending_imports(
    session: AsyncSession, *, before: datetime, limit: int
) -> list[uuid.UUID]:
    return await task_repo.pending_import_ids(session, before=before, limit=limit)


async def fail_import(
    session: AsyncSession, import_id: uuid.UUID, *, now: datetime
) -> None:
    """Mark an import failed: its job was dead-lettered."""
    await task_repo.mark_import_failed(session, import_id, now=now)


async def count_pending_imports(session: AsyncSession, owner_id: uuid.UUID) -> int:
    return await task_repo.count_pending_imports(session, owner_id)


def new_import(owner_id: uuid.UUID, titles: list[str], *, now: datetime) -> TaskImport:
    return TaskImport(
        id=uuid.uuid4(),
        owner_id=owner_id,
        titles=titles,
        title_count=len(titles),
        accepted_at=now,
    )
