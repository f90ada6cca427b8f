"""Queries of the tasks domain: one function per named query, never a commit."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeAlias

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
    update,
)
from sqlalchemy import (
    delete as sql_delete,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.tasks.constants import TITLE_MAX_LENGTH, TaskSort, TaskStatus
from app.tasks.models import IdempotencyKey, Task, TaskImport
from app.users.models import User

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


# --8<-- [start:read-columns]
@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task as a read selects it: exactly the columns a TaskRead shows."""

    id: uuid.UUID
    title: str
    description: str
    status: TaskStatus
    due_at: datetime | None
    budget_amount: Decimal | None
    budget_currency: str | None
    created_at: datetime
    updated_at: datetime
    owner_id: uuid.UUID
    owner_display_name: str


# Reads get plain rows: no ORM instance, identity map or change tracking is
# built only to be dropped once the response is written.
READ_COLUMNS = (
    Task.id,
    Task.title,
    Task.description,
    Task.status,
    Task.due_at,
    Task.budget_amount,
    Task.budget_currency,
    Task.created_at,
    Task.updated_at,
    User.id.label("owner_id"),
    User.display_name.label("owner_display_name"),
)


# --8<-- [start:owned-rows]
# A SELECT of READ_COLUMNS. Its row type stays open: spelt out, it would repeat
# TaskRow's eleven fields, and TaskRow is the type the rows are read into.
ReadQuery: TypeAlias = Select[*tuple[Any, ...]]


def _owned_rows(owner_id: uuid.UUID) -> ReadQuery:
    # The same ownership filter, for reads: one SELECT ... JOIN user_account.
    query = select(*READ_COLUMNS).join(Task.owner)
    return query.where(Task.owner_id == owner_id)


async def _task_rows(session: AsyncSession, query: ReadQuery) -> list[TaskRow]:
    result = await session.execute(query)
    # Positional: READ_COLUMNS and TaskRow's fields are in the same order (a
    # test checks it), and a tuple unpacks faster than a mapping per row.
    return [TaskRow(*row) for row in result]
    # --8<-- [end:owned-rows]


async def read_owned(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID
) -> TaskRow | None:
    """One task as a TaskRow, for a response that changes nothing."""
    rows = await _task_rows(session, _owned_rows(owner_id).where(Task.id == task_id))
    return rows[0] if rows else None


# --8<-- [end:read-columns]


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


# --8<-- [start:export-batch]
async def export_batch(
    session: AsyncSession,
    owner_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[TaskRow]:
    """The next `limit` rows in (created_at, id) order: keyset, no open cursor."""
    query = _owned_rows(owner_id)
    if after is not None:
        query = query.where(tuple_(Task.created_at, Task.id) > tuple_(*after))
    query = query.order_by(Task.created_at, Task.id).limit(limit)
    return await _task_rows(session, query)


# --8<-- [end:export-batch]


def is_sort_value(sort: TaskSort, value: str) -> bool:
    """Whether a cursor's value fits its sort column's type, checked before SQL."""
    key = sort.removeprefix("-")
    if key == "title":
        return len(value) <= TITLE_MAX_LENGTH
    if key == "due_at" and value == _NO_DUE_DATE:
        return True
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None  # the service writes offsets, always


def sort_value(row: TaskRow, sort: TaskSort) -> str:
    """The sort key of a row as text, the form a cursor stores it in."""
    key = sort.removeprefix("-")
    if key == "title":
        return row.title
    value = row.created_at if key == "created_at" else row.due_at
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
) -> list[TaskRow]:
    """One SELECT ... JOIN user_account: the owners come with the page (no N+1)."""
    expression, sql_type = _SORT_KEYS[sort.removeprefix("-")]
    descending = sort.startswith("-")
    query = _owned_rows(owner_id)  # the JOIN brings each owner, not a query per row
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
    return await _task_rows(session, query.limit(limit).offset(offset))


# --8<-- [end:list-with-owner]


async def add(session: AsyncSession, task: Task) -> Task:
    session.add(task)
    await session.flush()  # fills id and timestamps (RETURNING) for the response
    return task


async def delete(session: AsyncSession, task: Task) -> None:
    await session.delete(task)
    await session.flush()


# --8<-- [start:idempotency-queries]
async def claim_idempotency_key(  # keyword-only: the row's fields
    session: AsyncSession,
    user_id: uuid.UUID,
    key: str,
    *,
    fingerprint: str,
    now: datetime,
    expires_at: datetime,
) -> bool:
    """Insert the key, or take over an expired one; False when it is held."""
    statement = insert(IdempotencyKey).values(
        user_id=user_id, key=key, request_hash=fingerprint, expires_at=expires_at
    )
    # A concurrent request with the same key blocks here until the first one
    # commits; then it finds the key taken. An expired key is taken over.
    statement = statement.on_conflict_do_update(
        index_elements=[IdempotencyKey.user_id, IdempotencyKey.key],
        set_={
            "request_hash": statement.excluded.request_hash,
            "expires_at": statement.excluded.expires_at,
            "response_body": None,
        },
        where=IdempotencyKey.expires_at <= now,
    )
    return await session.scalar(statement.returning(IdempotencyKey.key)) is not None


async def get_idempotency_key(
    session: AsyncSession, user_id: uuid.UUID, key: str
) -> IdempotencyKey | None:
    return await session.get(IdempotencyKey, (user_id, key))


async def store_idempotent_response(
    session: AsyncSession, user_id: uuid.UUID, key: str, body: dict[str, object]
) -> None:
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .values(response_body=body)
    )


async def delete_expired_idempotency_keys(
    session: AsyncSession, *, now: datetime, batch_size: int
) -> int:
    """Delete up to `batch_size` expired keys; the purge calls it until 0."""
    expired = (
        select(IdempotencyKey.user_id, IdempotencyKey.key)
        .where(IdempotencyKey.expires_at <= now)
        .limit(batch_size)
        .with_for_update(skip_locked=True)  # a replay holding its row is not waited for
    )
    result = await session.execute(
        sql_delete(IdempotencyKey).where(
            tuple_(IdempotencyKey.user_id, IdempotencyKey.key).in_(expired)
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's


# --8<-- [end:idempotency-queries]


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


# --8<-- [start:import-queries]
async def add_titled(
    session: AsyncSession, owner_id: uuid.UUID, titles: Sequence[str]
) -> None:
    """Insert one task per title in a single statement (an import's batch)."""
    await session.execute(
        insert(Task), [{"owner_id": owner_id, "title": title} for title in titles]
    )


async def add_import(session: AsyncSession, batch: TaskImport) -> TaskImport:
    session.add(batch)
    await session.flush()
    return batch


async def get_owned_import(
    session: AsyncSession, owner_id: uuid.UUID, import_id: uuid.UUID
) -> TaskImport | None:
    batch = await session.get(TaskImport, import_id)
    return batch if batch is not None and batch.owner_id == owner_id else None


async def get_import(session: AsyncSession, import_id: uuid.UUID) -> TaskImport | None:
    return await session.get(TaskImport, import_id)


async def mark_import_done(
    session: AsyncSession, import_id: uuid.UUID, *, now: datetime
) -> bool:
    """Set `done_at` once; False when the row is gone or was marked failed."""
    done = await session.scalar(
        update(TaskImport)
        .where(TaskImport.id == import_id, *_pending())
        .values(done_at=now, titles=[])  # done: the tasks hold the titles now
        .returning(TaskImport.id)
    )
    return done is not None


def _pending() -> tuple[SQLColumnExpression[bool], ...]:
    return TaskImport.done_at.is_(None), TaskImport.failed_at.is_(None)


async def mark_import_failed(
    session: AsyncSession, import_id: uuid.UUID, *, now: datetime
) -> None:
    await session.execute(
        update(TaskImport)
        .where(TaskImport.id == import_id, *_pending())
        .values(failed_at=now)
    )


# --8<-- [start:count-under-lock]
async def count_pending_imports(session: AsyncSession, owner_id: uuid.UUID) -> int:
    """Pending imports of the owner, counted under a lock held to the commit:
    two requests of one owner count one after the other, never both at once.

    Sound at READ COMMITTED only, where the count takes its snapshot after the
    lock; at REPEATABLE READ the transaction's first statement fixes it.
    The key space is the one-bigint form; this is the app's only advisory lock.
    """
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(str(owner_id), 0)))
    )
    pending = select(func.count()).where(TaskImport.owner_id == owner_id, *_pending())
    return await session.scalar(pending) or 0
    # --8<-- [end:count-under-lock]


async def pending_import_ids(
    session: AsyncSession, *, before: datetime, limit: int
) -> list[uuid.UUID]:
    """Imports accepted before `before` and not done yet, oldest first."""
    rows = await session.scalars(
        select(TaskImport.id)
        .where(*_pending(), TaskImport.accepted_at < before)
        .order_by(TaskImport.accepted_at)
        .limit(limit)
    )
    return list(rows)


async def delete_imports_before(
    session: AsyncSession, cutoff: datetime, *, batch_size: int
) -> int:
    """Delete up to `batch_size` imports accepted before `cutoff` (the purge)."""
    oldest = (
        select(TaskImport.id)
        .where(TaskImport.accepted_at < cutoff)
        .limit(batch_size)
        .with_for_update(skip_locked=True)  # a job applying one is not waited for
    )
    result = await session.execute(
        sql_delete(TaskImport).where(TaskImport.id.in_(oldest))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's


# --8<-- [end:import-queries]
