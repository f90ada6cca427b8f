"""Listing tasks: caps, cursors, sort whitelist, filters and no N+1."""

from contextlib import AbstractContextManager

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import create_tasks
from tests.sql_recorder import recorded_sql

TASKS = "/api/v1/tasks"


def count_statements(app: FastAPI) -> AbstractContextManager[list[str]]:
    """Record every SQL statement the app's engine sends while inside."""
    return recorded_sql(app.state.engine)


async def test_list_is_one_query_whatever_the_page_size(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """No N+1: 1 and 20 tasks (each with its owner) cost the same SQL."""
    await create_tasks(client, auth_headers, 1)
    with count_statements(app) as one:
        assert (await client.get(TASKS, headers=auth_headers)).status_code == 200
    await create_tasks(client, auth_headers, 19)
    with count_statements(app) as twenty:
        response = await client.get(TASKS, headers=auth_headers)

    assert len(response.json()["items"]) == 20
    # The caller's session check (SEC-002), then the page with its owners.
    assert len(one) == len(twenty) == 2
    assert "FROM user_account JOIN user_session" in twenty[0]
    assert "JOIN user_account" in twenty[1]


async def test_cursor_walks_every_task_once(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Following next_cursor visits each task exactly once, in order."""
    created = await create_tasks(client, auth_headers, 5)
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2, "sort": "title"}
    while True:
        page = (await client.get(TASKS, params=params, headers=auth_headers)).json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        assert page["offset"] is None or page["offset"] == 0
        params["cursor"] = page["next_cursor"]

    by_title = sorted(created, key=lambda task: (task["title"], task["id"]))
    assert seen == [task["id"] for task in by_title]


@pytest.mark.parametrize("sort", ["created_at", "-created_at", "due_at", "-due_at"])
async def test_every_sort_order_pages_consistently(
    client: httpx.AsyncClient, auth_headers: dict[str, str], sort: str
) -> None:
    """Cursor pages equal one big page, for every whitelisted sort."""
    await create_tasks(client, auth_headers, 3)
    await create_tasks(client, auth_headers, 2, due_at=None)  # sorted last
    everything = await client.get(TASKS, params={"sort": sort}, headers=auth_headers)
    expected = [item["id"] for item in everything.json()["items"]]

    first = await client.get(
        TASKS, params={"sort": sort, "limit": 3}, headers=auth_headers
    )
    cursor = first.json()["next_cursor"]
    rest = await client.get(
        TASKS, params={"sort": sort, "cursor": cursor}, headers=auth_headers
    )

    ids = [item["id"] for item in first.json()["items"] + rest.json()["items"]]
    assert ids == expected
    assert rest.json()["next_cursor"] is None


async def test_offset_and_filters(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """`offset` skips rows; `status` and `due_before` narrow the list."""
    await create_tasks(client, auth_headers, 2, status="done")
    await create_tasks(client, auth_headers, 3, status="todo", due_at=None)

    done = await client.get(TASKS, params={"status": "done"}, headers=auth_headers)
    dated = await client.get(
        TASKS, params={"due_before": "2100-01-01T00:00:00Z"}, headers=auth_headers
    )
    skipped = await client.get(TASKS, params={"offset": 4}, headers=auth_headers)

    assert len(done.json()["items"]) == 2
    assert len(dated.json()["items"]) == 2  # undated tasks are never "due before"
    assert skipped.json() | {"items": None} == {
        "items": None,
        "limit": 50,
        "offset": 4,
        "next_cursor": None,
    }
    assert len(skipped.json()["items"]) == 1


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"limit": 101}, 422, "validation-error"),
        ({"limit": 0}, 422, "validation-error"),
        ({"offset": -1}, 422, "validation-error"),
        ({"offset": 10_001}, 422, "validation-error"),
        ({"sort": "password_hash"}, 422, "validation-error"),
        ({"cursor": "not-a-cursor"}, 400, "invalid-cursor"),
        ({"cursor": "bm90IGpzb24"}, 400, "invalid-cursor"),
        ({"cursor": "x", "offset": 5}, 400, "bad-request"),
    ],
)
async def test_paging_parameters_are_capped_and_checked(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    params: dict[str, str | int],
    status: int,
    code: str,
) -> None:
    """Out-of-range paging and forged cursors are problems, never a 500."""
    response = await client.get(TASKS, params=params, headers=auth_headers)

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


async def test_cursor_of_another_sort_is_rejected(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A cursor only continues the sort order it was issued for."""
    await create_tasks(client, auth_headers, 2)
    page = await client.get(TASKS, params={"limit": 1}, headers=auth_headers)

    response = await client.get(
        TASKS,
        params={"cursor": page.json()["next_cursor"], "sort": "title"},
        headers=auth_headers,
    )

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid-cursor"
