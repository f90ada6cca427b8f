"""The read path as the performance rules teach it: rows, one dump, no ORM objects."""

import hashlib
import inspect
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.core.health import router as health_router
from app.core.metrics import router as metrics_router
from app.tasks.models import Task
from app.tasks.router import router as tasks_router
from app.users.router import auth_router
from app.users.router import router as users_router
from tests.dump_counter import counted_dumps
from tests.factories import create_tasks
from tests.sql_recorder import recorded

TASKS = "/api/v1/tasks"
IDENTITY = {"Accept-Encoding": "identity"}  # the bytes as the app wrote them


def loaded_tasks() -> AbstractContextManager[list[Task]]:
    """Every Task instance the ORM builds from a row while the block runs."""
    return recorded(Task, "load", lambda task, _context: task)


async def stored_tasks(
    client: httpx.AsyncClient, headers: dict[str, str], count: int
) -> list[str]:
    """Tasks with a budget, so money is on the read path too; their IDs."""
    budget = {"amount": "1.50", "currency": "EUR"}
    return [
        task["id"] for task in await create_tasks(client, headers, count, budget=budget)
    ]


@pytest.mark.rule("PERF-003")
async def test_reads_build_no_orm_objects(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """List, detail and export select columns: no identity map to fill and drop."""
    ids = await stored_tasks(client, auth_headers, 3)

    with loaded_tasks() as loaded:
        page = await client.get(TASKS, headers=auth_headers)
        one = await client.get(f"{TASKS}/{ids[0]}", headers=auth_headers)
        export = await client.get(f"{TASKS}/export", headers=auth_headers)

    assert page.status_code == one.status_code == export.status_code == 200
    assert len(page.json()["items"]) == 3
    assert len(export.text.splitlines()) == 3
    assert loaded == []


@pytest.mark.rule("PERF-003")
@pytest.mark.parametrize("path", ["", "/{id}"], ids=["list", "detail"])
async def test_a_read_is_serialized_once_and_tagged_by_the_bytes_sent(
    *,
    path: str,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
) -> None:
    """One dump per response, and the ETag is the hash of exactly that body."""
    ids = await stored_tasks(client, auth_headers, 2)

    with counted_dumps() as dumps:
        response = await client.get(
            TASKS + path.format(id=ids[0]), headers=auth_headers | IDENTITY
        )

    assert response.status_code == 200, response.text
    assert len(dumps) == 1, dumps
    digest = hashlib.sha256(response.content).hexdigest()[:32]
    assert response.headers["ETag"] == f'"{digest}"'
    assert response.headers["content-type"] == "application/json"


async def test_a_read_sends_what_its_schema_documents(
    client: httpx.AsyncClient, auth_headers: dict[str, str], app: FastAPI
) -> None:
    """Bypassing FastAPI's serialization keeps the declared schema in the document."""
    document = app.openapi()
    list_schema = document["paths"][TASKS]["get"]["responses"]["200"]["content"]
    one_schema = document["paths"][TASKS + "/{task_id}"]["get"]["responses"]["200"]

    assert list_schema["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Page_TaskRead_"
    }
    assert one_schema["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TaskRead"
    }


def _calls(dependant: Dependant) -> Iterator[Callable[..., object]]:
    """The endpoint and every dependency FastAPI solves for it, at any depth."""
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _runs_on_the_loop(call: Callable[..., object]) -> bool:
    method = call if inspect.isfunction(call) else type(call).__call__
    return inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method)


def test_no_route_hops_to_a_thread() -> None:
    """FastAPI runs a plain `def` in its thread pool: a hop per call, and a
    pool of 40 threads that every request shares. Nothing here blocks."""
    routes = [
        route
        for router in (health_router, metrics_router, auth_router, users_router)
        for route in router.routes
    ] + list(tasks_router.routes)
    checked = [route for route in routes if isinstance(route, APIRoute)]
    hops = {
        f"{route.path} {getattr(call, '__name__', type(call).__name__)}"
        for route in checked
        for call in _calls(route.dependant)
        if not _runs_on_the_loop(call)
    }

    assert len(checked) > 10, "the routers' routes were not found"
    assert hops == set()


@pytest.mark.rule("PERF-003")
@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_a_write_is_serialized_once_and_tagged_by_the_bytes_sent(
    *, method: str, client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A write answers its new representation, tagged like a read: one dump."""
    (task_id,) = await stored_tasks(client, auth_headers, 1)

    with counted_dumps() as dumps:
        response = await client.request(
            method,
            f"{TASKS}/{task_id}",
            json={"title": "renamed"},
            headers=auth_headers | IDENTITY,
        )
    again = await client.get(f"{TASKS}/{task_id}", headers=auth_headers | IDENTITY)

    assert response.status_code == 200, response.text
    assert len(dumps) == 1, dumps
    digest = hashlib.sha256(response.content).hexdigest()[:32]
    assert response.headers["ETag"] == f'"{digest}"' == again.headers["ETag"]
