"""Proofs of the pagination rules, through the real list endpoint."""

import re

import httpx
import pytest
from fastapi import FastAPI

from demos import (
    page_offset_drift,
    page_sort_from_input,
    page_unbounded_limit,
    page_unsigned_cursor,
)
from tests.factories import create_tasks
from tests.sql_recorder import recorded_sql

TASKS = "/api/v1/tasks"


# --8<-- [start:page-001]
@pytest.mark.rule("PAGE-001")
async def test_no_page_holds_more_than_100_rows(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Asking for 101 is a 422; asking for nothing gets the default of 50."""
    # Do: the cap is part of the contract.
    too_many = await client.get(TASKS, params={"limit": 101}, headers=auth_headers)
    assert too_many.status_code == 422, too_many.text
    default = await client.get(TASKS, headers=auth_headers)
    assert default.json()["limit"] == 50

    # Don't: whatever was asked for, or the whole table.
    assert len(page_unbounded_limit.list_tasks(limit=101)) == 101
    assert len(page_unbounded_limit.list_tasks()) == 250_000


# --8<-- [end:page-001]


# --8<-- [start:page-002]
@pytest.mark.rule("PAGE-002")
async def test_a_row_inserted_between_pages_shifts_nothing(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Newest first, two per page, a new task before page 2: no row seen twice."""
    await create_tasks(client, auth_headers, 5)
    params: dict[str, str | int] = {"limit": 2, "sort": "-created_at"}

    # Do: page 2 continues after the last row of page 1, whatever was added.
    page_1 = (await client.get(TASKS, params=params, headers=auth_headers)).json()
    await create_tasks(client, auth_headers, 1)
    after = params | {"cursor": page_1["next_cursor"]}
    page_2 = (await client.get(TASKS, params=after, headers=auth_headers)).json()
    ids_1 = [task["id"] for task in page_1["items"]]
    ids_2 = [task["id"] for task in page_2["items"]]
    assert len(ids_2) == 2
    assert not set(ids_1) & set(ids_2)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", page_1["next_cursor"])  # URL-safe

    # Don't: offset 2 now starts at a row page 1 already showed.
    assert set(page_offset_drift.page_1) & set(page_offset_drift.page_2)


@pytest.mark.rule("PAGE-002")
async def test_a_forged_or_borrowed_cursor_is_a_400(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
) -> None:
    """Only a cursor the service signed, for this user and query, continues."""
    await create_tasks(client, auth_headers, 3)
    page = (await client.get(TASKS, params={"limit": 1}, headers=auth_headers)).json()

    # Do: a well-formed but unsigned cursor, another user's, another filter's.
    forged = page_unsigned_cursor.forged
    for params, headers in (
        ({"cursor": forged}, auth_headers),
        ({"cursor": page["next_cursor"]}, other_auth_headers),
        ({"cursor": page["next_cursor"], "status": "done"}, auth_headers),
    ):
        refused = await client.get(TASKS, params=params, headers=headers)
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "invalid-cursor"

    # Don't: the plain base64 cursor hands the forged value on, to SQL.
    assert page_unsigned_cursor.decode(forged)["value"] == "not-a-timestamp"


# --8<-- [end:page-002]


# --8<-- [start:page-003]
@pytest.mark.rule("PAGE-003")
async def test_only_allowlisted_sorts_reach_the_query(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A sort outside the allowlist is a 422 and never becomes SQL."""
    hostile = "(SELECT password_hash FROM user_account LIMIT 1)"
    await create_tasks(client, auth_headers, 1)

    # Do: the enum refuses it before any query runs; allowed sorts end with the ID.
    with recorded_sql(app.state.engine) as statements:
        params = {"sort": hostile}
        refused = await client.get(TASKS, params=params, headers=auth_headers)
    assert refused.status_code == 422, refused.text
    assert not any(hostile in statement for statement in statements)
    with recorded_sql(app.state.engine) as statements:
        params = {"sort": "title"}
        await client.get(TASKS, params=params, headers=auth_headers)
    assert re.search(r"ORDER BY task\.title, task\.id\s+LIMIT", statements[-1])

    # Don't: the same text lands in ORDER BY as SQL.
    assert hostile in page_sort_from_input.list_query(hostile)


# --8<-- [end:page-003]
