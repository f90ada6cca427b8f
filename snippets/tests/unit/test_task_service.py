"""The tasks service without a database: the repository is replaced by fakes."""

import uuid
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import CursorSigner, PageParams, cursor_scope
from app.tasks import repository as task_repo
from app.tasks import service as task_service
from app.tasks.constants import TaskSort
from app.tasks.exceptions import TaskNotFoundError
from app.tasks.models import Task
from app.tasks.repository import TaskRow
from tests.factories import task_row

# The service only passes the session through to the (faked) repository.
NO_SESSION: Any = None
SIGNER = CursorSigner(b"k" * 32)


# --8<-- [start:unit-test]
async def test_list_returns_a_cursor_only_when_more_rows_exist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The service asks for one extra row and turns it into `next_cursor`."""
    rows = [task_row("a"), task_row("b"), task_row("c")]
    calls: list[int] = []

    async def fake_list(
        session: AsyncSession, owner_id: uuid.UUID, *, limit: int, **_: object
    ) -> Sequence[TaskRow]:
        calls.append(limit)
        return rows[:limit]

    monkeypatch.setattr(task_repo, "list_with_owner", fake_list)
    page = PageParams(limit=2, offset=0, cursor=None, signer=SIGNER)
    owner_id = uuid.uuid4()

    tasks, next_cursor = await task_service.list_tasks(
        NO_SESSION, owner_id, page=page, sort=TaskSort.TITLE
    )

    assert calls == [3]  # limit + 1: "is there more?" without a COUNT(*)
    assert [task.title for task in tasks] == ["a", "b"]
    assert next_cursor is not None
    scope = cursor_scope(owner_id, None, None)
    cursor = SIGNER.decode(next_cursor, sort=TaskSort.TITLE, scope=scope)
    assert (cursor.value, cursor.id) == ("b", rows[1].id)


# --8<-- [end:unit-test]


async def test_last_page_has_no_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer rows than asked for means this is the last page."""

    async def fake_list(*_: object, **__: object) -> Sequence[TaskRow]:
        return [task_row("only")]

    monkeypatch.setattr(task_repo, "list_with_owner", fake_list)
    page = PageParams(limit=2, offset=0, cursor=None, signer=SIGNER)

    _, next_cursor = await task_service.list_tasks(
        NO_SESSION, uuid.uuid4(), page=page, sort=TaskSort.DUE_AT
    )

    assert next_cursor is None


async def test_missing_task_raises_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """No row for this owner and id is the domain's TaskNotFoundError."""

    async def fake_get(*_: object, **__: object) -> Task | None:
        return None

    monkeypatch.setattr(task_repo, "get_owned", fake_get)

    with pytest.raises(TaskNotFoundError):
        await task_service.get_task(NO_SESSION, uuid.uuid4(), uuid.uuid4())


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (TaskSort.TITLE_DESC, "t"),
        (TaskSort.CREATED_AT, "2026-11-27T00:00:00+00:00"),
        (TaskSort.DUE_AT, "infinity"),
    ],
)
def test_sort_value_is_the_keyset_text(sort: TaskSort, expected: str) -> None:
    """Undated tasks sort last, as PostgreSQL's `infinity`."""
    assert task_repo.sort_value(task_row("t"), sort) == expected


def test_read_columns_are_task_rows_fields_in_order() -> None:
    """Rows become TaskRow positionally: one column out of place would shift
    every value after it into the wrong field."""
    names = [column.key for column in task_repo.READ_COLUMNS]

    assert names == [field.name for field in fields(TaskRow)]
