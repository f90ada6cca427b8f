"""HTTP endpoints of the tasks domain: CRUD on the caller's own tasks."""

import uuid
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Response, status

from app.core.pagination import Page, PageParamsDep
from app.core.problem_details import problem_responses
from app.core.request_body import require_json
from app.infra.db.base import SessionDep
from app.tasks import service as task_service
from app.tasks.constants import PUT_DEPRECATED_AT, PUT_SUNSET_AT, TaskSort
from app.tasks.dependencies import DueBeforeQuery, OwnerIdDep, SortQuery, StatusQuery
from app.tasks.schemas import TASK_EXAMPLE, TaskCreate, TaskRead, TaskUpdate

# Where the response model is declared: in the return annotation, and only
# there. FastAPI reads it as `response_model`, mypy checks every `return`
# against it, and ruff's FAST001 forbids repeating it in the decorator.

# --8<-- [start:router]
router = APIRouter(
    prefix="/api/v1/tasks",
    tags=["tasks"],
    # Problems every endpoint here can answer with (400: a body that is not
    # even UTF-8, or a bad cursor); each endpoint adds its own.
    responses=problem_responses(400, 401, 422),
)
# --8<-- [end:router]

JsonBody = [Depends(require_json)]  # 415 for anything but application/json


# --8<-- [start:create-task]
@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a task",
    description="Creates a task owned by the caller. `budget.amount` is a "
    "decimal string; `due_at` is RFC 3339 and returned in UTC with `Z`.",
    responses=problem_responses(413, 415),
    dependencies=JsonBody,
)
async def create_task(
    data: Annotated[
        TaskCreate, Body(openapi_examples={"task": {"value": TASK_EXAMPLE}})
    ],
    owner_id: OwnerIdDep,
    session: SessionDep,
    response: Response,
) -> TaskRead:
    task = await task_service.create_task(session, owner_id, data)
    response.headers["Location"] = f"{router.prefix}/{task.id}"
    return TaskRead.model_validate(task)


# --8<-- [end:create-task]


# --8<-- [start:list-tasks]
@router.get(
    "",
    status_code=status.HTTP_200_OK,
    summary="List my tasks",
    description="Pages with `limit` (max 100) and `offset`, or follow "
    "`next_cursor` for stable paging over large or changing sets.",
)
async def list_tasks(
    *,
    owner_id: OwnerIdDep,
    session: SessionDep,
    page: PageParamsDep,
    sort: SortQuery = TaskSort.CREATED_AT_DESC,
    status: StatusQuery = None,
    due_before: DueBeforeQuery = None,
) -> Page[TaskRead]:
    tasks, next_cursor = await task_service.list_tasks(
        session, owner_id, page=page, sort=sort, status=status, due_before=due_before
    )
    items = [TaskRead.model_validate(task) for task in tasks]
    offset = None if page.cursor else page.offset
    return Page(items=items, limit=page.limit, offset=offset, next_cursor=next_cursor)


# --8<-- [end:list-tasks]


@router.get(
    "/{task_id}",
    status_code=status.HTTP_200_OK,
    summary="Get a task",
    description="One of the caller's tasks; another user's task is a 404.",
    responses=problem_responses(404),
)
async def get_task(
    task_id: uuid.UUID, owner_id: OwnerIdDep, session: SessionDep
) -> TaskRead:
    return TaskRead.model_validate(
        await task_service.get_task(session, owner_id, task_id)
    )


@router.patch(
    "/{task_id}",
    status_code=status.HTTP_200_OK,
    summary="Update a task",
    description="Changes only the fields sent; `null` clears `due_at` or `budget`.",
    responses=problem_responses(404, 413, 415),
    dependencies=JsonBody,
)
async def update_task(
    task_id: uuid.UUID, data: TaskUpdate, owner_id: OwnerIdDep, session: SessionDep
) -> TaskRead:
    task = await task_service.update_task(session, owner_id, task_id, data)
    return TaskRead.model_validate(task)


@router.put(
    "/{task_id}",
    status_code=status.HTTP_200_OK,
    summary="Replace a task (deprecated)",
    description=f"Deprecated since {PUT_DEPRECATED_AT:%Y-%m-%d}; removed after "
    f"{PUT_SUNSET_AT:%Y-%m-%d}. Use `PATCH /api/v1/tasks/{{task_id}}` instead.",
    responses=problem_responses(404, 413, 415),
    dependencies=JsonBody,
    deprecated=True,
)
async def replace_task(
    task_id: uuid.UUID,
    data: TaskCreate,
    owner_id: OwnerIdDep,
    session: SessionDep,
    response: Response,
) -> TaskRead:
    # RFC 9745: when it was deprecated; RFC 8594: when it stops working.
    response.headers["Deprecation"] = f"@{int(PUT_DEPRECATED_AT.timestamp())}"
    response.headers["Sunset"] = format_datetime(PUT_SUNSET_AT, usegmt=True)
    response.headers["Link"] = f'<{router.prefix}/{task_id}>; rel="successor-version"'
    task = await task_service.replace_task(session, owner_id, task_id, data)
    return TaskRead.model_validate(task)


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a task",
    description="Deletes one of the caller's tasks; another user's task is a 404.",
    responses=problem_responses(404),
)
async def delete_task(
    task_id: uuid.UUID, owner_id: OwnerIdDep, session: SessionDep
) -> None:
    await task_service.delete_task(session, owner_id, task_id)
