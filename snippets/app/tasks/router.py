"""HTTP endpoints of the tasks domain: CRUD on the caller's own tasks."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Response, status

from app.core.conditional import ETAG_HEADER, json_with_etag, tagged_json
from app.core.config import SettingsDep
from app.core.deprecation import Deprecation
from app.core.http_methods import method_not_allowed
from app.core.pagination import Page, PageParamsDep
from app.core.problem_details import problem_responses
from app.core.request_body import require_json
from app.infra.cache import CacheDep
from app.infra.db.base import SessionDep, SessionFactoryDep
from app.tasks import idempotency, imports, summary
from app.tasks import service as task_service
from app.tasks.constants import PUT_DEPRECATED_AT, PUT_SUNSET_AT, TaskSort
from app.tasks.dependencies import (
    DueBeforeQuery,
    ExportingOwnerIdDep,
    ExportSlotDep,
    IdempotencyKeyHeader,
    IfMatchHeader,
    IfNoneMatchHeader,
    InvalidatesSummary,
    JobOutboxDep,
    OnDoneDep,
    OwnerIdDep,
    SortQuery,
    StatusQuery,
)
from app.tasks.schemas import (
    TASK_EXAMPLE,
    TaskCreate,
    TaskImportCreate,
    TaskImportRead,
    TaskRead,
    TaskUpdate,
)
from app.tasks.summary import TaskSummary
from app.tasks.utils import (
    NDJSON_RESPONSES,
    NdjsonResponse,
    first_chunk_now,
    task_read,
)

# Where the response model is declared: in the return annotation, and only
# there. FastAPI reads it as `response_model`, mypy checks every `return`
# against it, and ruff's FAST001 forbids repeating it in the decorator. The
# routes that send an ETag are the exception: they return the bytes they
# hashed into it (a Response), so their model is named in the decorator.

# --8<-- [start:router]
router = APIRouter(
    prefix="/api/v1/tasks",
    tags=["tasks"],
    # Problems every endpoint here can answer with (400: a body that is not
    # even UTF-8, or a bad cursor; 503: the database is down or busy); each
    # endpoint adds its own.
    responses=problem_responses(400, 401, 422, 503),
    # Every write here makes the caller's cached summary stale.
    dependencies=[InvalidatesSummary],
)
# --8<-- [end:router]
TASK_PATH = "/{task_id}"
CREATED_HEADERS = {
    "Location": {"description": "The new task's URL.", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "`true` when the response replays an earlier request "
        "with the same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}

ACCEPTED_HEADERS = {
    "Location": {"description": "Its status URL.", "schema": {"type": "string"}},
    "Idempotent-Replayed": CREATED_HEADERS["Idempotent-Replayed"],
}

JsonBody = [Depends(require_json)]  # 415 for anything but application/json
# In the route's `dependencies=`: its errors carry the headers too.
PutDeprecation = Deprecation(
    since=PUT_DEPRECATED_AT, sunset=PUT_SUNSET_AT, successor=router.prefix + TASK_PATH
)


# --8<-- [start:create-task]
@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a task",
    description="Creates a task owned by the caller. `budget.amount` is a "
    "decimal string; `due_at` is RFC 3339 and returned in UTC with `Z`. With an "
    "`Idempotency-Key`, a retry replays the first response "
    "(`Idempotent-Replayed: true`); the same key with another body is a 422.",
    responses={201: {"headers": CREATED_HEADERS}, **problem_responses(409, 413, 415)},
    dependencies=JsonBody,
)
async def create_task(
    *,
    data: Annotated[
        TaskCreate, Body(openapi_examples={"task": {"value": TASK_EXAMPLE}})
    ],
    owner_id: OwnerIdDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TaskRead:
    task, replayed = await idempotency.create_task_once(
        session,
        owner_id,
        data,
        key=idempotency_key,
        now=datetime.now(UTC),
        ttl=settings.idempotency_key_ttl,
    )
    response.headers["Location"] = f"{router.prefix}/{task.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return task


# --8<-- [end:create-task]


# --8<-- [start:list-tasks]
@router.get(
    "",
    status_code=status.HTTP_200_OK,
    response_model=Page[TaskRead],  # the schema of what `tagged_json` sends
    summary="List my tasks",
    description="Pages with `limit` (max 100) and `offset`, or follow "
    "`next_cursor` for stable paging over large or changing sets. The page "
    "carries an `ETag`; send it back in `If-None-Match` for a 304.",
    responses={
        200: {"headers": ETAG_HEADER},
        304: {"description": "The page has not changed.", "headers": ETAG_HEADER},
    },
)
async def list_tasks(
    *,
    owner_id: OwnerIdDep,
    session: SessionDep,
    page: PageParamsDep,
    sort: SortQuery = TaskSort.CREATED_AT_DESC,
    status: StatusQuery = None,
    due_before: DueBeforeQuery = None,
    if_none_match: IfNoneMatchHeader = None,
) -> Response:
    rows, next_cursor = await task_service.list_tasks(
        session, owner_id, page=page, sort=sort, status=status, due_before=due_before
    )
    items = [task_read(row) for row in rows]
    offset = None if page.cursor else page.offset
    body = Page(items=items, limit=page.limit, offset=offset, next_cursor=next_cursor)
    return tagged_json(body, if_none_match)  # one dump: the ETag hashes what is sent


# --8<-- [end:list-tasks]


# --8<-- [start:summary]
@router.get(
    "/summary",
    status_code=status.HTTP_200_OK,
    response_model=TaskSummary,  # the schema of what `tagged_json` sends
    summary="Summarise my tasks",
    description="Counts by status and the next due date, computed in SQL and "
    "cached per user for `CACHE_TTL`; any write through this API refreshes it.",
    responses={
        200: {"headers": ETAG_HEADER},
        304: {"description": "Not modified", "headers": ETAG_HEADER},
    },
)
async def read_summary(
    owner_id: OwnerIdDep,
    session: SessionDep,
    cache: CacheDep,
    settings: SettingsDep,
    if_none_match: IfNoneMatchHeader = None,
) -> Response:
    counts = await summary.get_summary(session, cache, owner_id, ttl=settings.cache_ttl)
    return tagged_json(counts, if_none_match)


# --8<-- [end:summary]


# --8<-- [start:import-tasks]
@router.post(
    "/imports",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Import tasks in bulk",
    description="Accepts up to 500 titles and answers at once: the worker creates "
    "the tasks. Poll the `Location` until `status` is `done` (or `failed`). With "
    "an `Idempotency-Key`, a retry answers for the first import. A 429 while "
    "`IMPORT_MAX_PENDING` earlier imports of the caller still wait.",
    responses={
        202: {"headers": ACCEPTED_HEADERS},
        **problem_responses(409, 413, 415, 429),
    },
    dependencies=JsonBody,
)
async def import_tasks(  # keyword-only: FastAPI's dependencies
    *,
    outbox: JobOutboxDep,  # first: entered before the session, left after it
    data: TaskImportCreate,
    owner_id: OwnerIdDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TaskImportRead:
    accepted, replayed = await imports.accept_import(
        session,
        owner_id,
        data,
        after_commit=outbox.add,
        key=idempotency_key,
        now=datetime.now(UTC),
        ttl=settings.idempotency_key_ttl,
        max_pending=settings.import_max_pending,
    )
    response.headers["Location"] = f"{router.prefix}/imports/{accepted.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return accepted


@router.get(
    "/imports/{import_id}",
    status_code=status.HTTP_200_OK,
    response_model=TaskImportRead,  # the schema of what `tagged_json` sends
    summary="Get an import",
    description="Where an import stands: `accepted`, `done` or `failed`. Poll "
    "with the `ETag` in `If-None-Match`: a 304 while nothing has changed.",
    responses={
        200: {"headers": ETAG_HEADER},
        304: {"description": "Not modified", "headers": ETAG_HEADER},
        **problem_responses(404),
    },
)
async def read_import(
    import_id: uuid.UUID,
    owner_id: OwnerIdDep,
    session: SessionDep,
    if_none_match: IfNoneMatchHeader = None,
) -> Response:
    found = await imports.get_import(session, owner_id, import_id)
    return tagged_json(found, if_none_match)


# --8<-- [end:import-tasks]


# --8<-- [start:export-tasks]
@router.get(
    "/export",
    status_code=status.HTTP_200_OK,
    summary="Export my tasks",
    description="Every task of the caller as NDJSON (one JSON object per "
    "line), read in batches: memory stays flat at any size, and no database "
    "connection waits on a slow client. A few exports run at once (one per "
    "user); more is a 429 with `Retry-After`.",
    response_class=NdjsonResponse,
    responses=NDJSON_RESPONSES,
    dependencies=[ExportSlotDep],
)
async def export_tasks(
    owner_id: ExportingOwnerIdDep, sessions: SessionFactoryDep, settings: SettingsDep
) -> NdjsonResponse:
    # The first batch is read here: if it fails, the answer is still a problem.
    chunks = await first_chunk_now(task_service.export_ndjson(sessions, owner_id))
    export = NdjsonResponse(chunks, send_timeout=settings.export_send_timeout_seconds)
    export.headers["Cache-Control"] = "no-store"  # all of a user's data: keep none
    return export


# --8<-- [end:export-tasks]

# `export` and `summary` are no task IDs: without this, `PUT /export` would be
# taken by `PUT /{task_id}` and fail as a bad body (415) or UUID (422) instead
# of a 405 with Allow. Every fixed path beside `/{task_id}` is listed here.
for fixed_path, taken in (
    ("/export", "GET"),
    ("/summary", "GET"),
    ("/imports", "POST"),
):
    router.add_api_route(
        fixed_path,
        method_not_allowed,
        methods=sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - {taken}),
        include_in_schema=False,  # not part of the contract: only a 405
    )


# --8<-- [start:etag]
@router.get(
    TASK_PATH,
    status_code=status.HTTP_200_OK,
    response_model=TaskRead,  # the schema of what `tagged_json` sends
    summary="Get a task",
    description="One of the caller's tasks; another user's task is a 404. "
    "Send the `ETag` back in `If-None-Match` for a 304 without a body.",
    responses={
        200: {"headers": ETAG_HEADER},
        304: {"description": "Not modified", "headers": ETAG_HEADER},
        **problem_responses(404),
    },
)
async def get_task(
    task_id: uuid.UUID,
    owner_id: OwnerIdDep,
    session: SessionDep,
    if_none_match: IfNoneMatchHeader = None,
) -> Response:
    row = await task_service.read_task(session, owner_id, task_id)
    # Strong ETag: the hash of the serialized body, so it changes with any
    # visible field, the owner's display name included.
    return tagged_json(task_read(row), if_none_match)


# --8<-- [end:etag]


@router.patch(
    TASK_PATH,
    status_code=status.HTTP_200_OK,
    summary="Update a task",
    description="Changes only the fields sent; `null` clears `due_at` or "
    "`budget`. `If-Match` (optional) makes it a 412 if the task changed since.",
    response_model=TaskRead,  # the schema of what `json_with_etag` sends
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 412, 413, 415)},
    dependencies=JsonBody,
)
async def update_task(
    *,
    task_id: uuid.UUID,
    data: TaskUpdate,
    owner_id: OwnerIdDep,
    session: SessionDep,
    on_done: OnDoneDep,
    if_match: IfMatchHeader = None,
) -> Response:
    task = await task_service.update_task(
        session, owner_id, task_id, data, if_match=if_match, on_done=on_done
    )
    return json_with_etag(TaskRead.model_validate(task))


# --8<-- [start:replace-task-deprecated]
@router.put(
    TASK_PATH,
    status_code=status.HTTP_200_OK,
    summary="Replace a task (deprecated)",
    description=f"Deprecated since {PUT_DEPRECATED_AT:%Y-%m-%d}; removed after "
    f"{PUT_SUNSET_AT:%Y-%m-%d}. Use `PATCH /api/v1/tasks/{{task_id}}` instead.",
    response_model=TaskRead,  # the schema of what `json_with_etag` sends
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 412, 413, 415)},
    dependencies=[Depends(PutDeprecation), *JsonBody],
    deprecated=True,
)
async def replace_task(
    *,
    task_id: uuid.UUID,
    data: TaskCreate,
    owner_id: OwnerIdDep,
    session: SessionDep,
    on_done: OnDoneDep,
    deprecation: Annotated[dict[str, str], Depends(PutDeprecation)],
    if_match: IfMatchHeader = None,
) -> Response:
    task = await task_service.replace_task(
        session, owner_id, task_id, data, if_match=if_match, on_done=on_done
    )
    return json_with_etag(TaskRead.model_validate(task), headers=deprecation)


# --8<-- [end:replace-task-deprecated]


@router.delete(
    TASK_PATH,
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,  # no body, so no Content-Type either
    summary="Delete a task",
    description="Deletes one of the caller's tasks; another user's task is a "
    "404. `If-Match` (optional) makes it a 412 if the task changed since.",
    responses=problem_responses(404, 412),
)
async def delete_task(
    task_id: uuid.UUID,
    owner_id: OwnerIdDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> None:
    await task_service.delete_task(session, owner_id, task_id, if_match=if_match)
