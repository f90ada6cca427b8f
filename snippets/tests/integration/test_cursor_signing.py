"""Cursors are signed and bound to their query: a forged one is a 400 (#6)."""

import base64
import json

import httpx
import pytest

from tests.factories import create_tasks

TASKS = "/api/v1/tasks"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def first_cursor(
    client: httpx.AsyncClient, headers: dict[str, str], **params: str | int
) -> str:
    await create_tasks(client, headers, 3)
    page = await client.get(TASKS, params={"limit": 1, **params}, headers=headers)
    cursor: str = page.json()["next_cursor"]
    assert cursor
    return cursor


def assert_invalid_cursor(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid-cursor"


@pytest.mark.parametrize(
    "value", ["not-a-timestamp", "2026-13-45T99:00:00Z", "x" * 300, None]
)
async def test_a_well_formed_unsigned_cursor_is_refused(
    client: httpx.AsyncClient, auth_headers: dict[str, str], value: str | None
) -> None:
    """The JSON shape the service once issued, with a value of the forger's."""
    await create_tasks(client, auth_headers, 1)
    forged = {
        "sort": "-created_at",
        "value": value,
        "id": "0b8e4a52-53cb-4b47-a4b4-6f1f3dcb3f5c",
    }
    token = b64(json.dumps(forged).encode())

    response = await client.get(TASKS, params={"cursor": token}, headers=auth_headers)

    assert_invalid_cursor(response)


async def test_a_tampered_cursor_is_refused(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    cursor = await first_cursor(client, auth_headers)
    flipped = cursor[:-3] + ("A" if cursor[-3] != "A" else "B") + cursor[-2:]
    body, _, signature = cursor.rpartition(".")
    resigned = f"{b64(b'{}')}.{signature}"

    for token in (flipped, resigned, body, cursor + "x"):
        response = await client.get(
            TASKS, params={"cursor": token}, headers=auth_headers
        )
        assert_invalid_cursor(response)


async def test_a_cursor_is_bound_to_its_filters(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A cursor issued for `status=todo` cannot continue another filter."""
    cursor = await first_cursor(client, auth_headers, status="todo")

    same = await client.get(
        TASKS, params={"cursor": cursor, "status": "todo"}, headers=auth_headers
    )
    other = await client.get(
        TASKS, params={"cursor": cursor, "status": "done"}, headers=auth_headers
    )
    unfiltered = await client.get(
        TASKS, params={"cursor": cursor}, headers=auth_headers
    )

    assert same.status_code == 200, same.text
    assert_invalid_cursor(other)
    assert_invalid_cursor(unfiltered)


async def test_a_cursor_is_bound_to_its_user(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
) -> None:
    cursor = await first_cursor(client, auth_headers)

    response = await client.get(
        TASKS, params={"cursor": cursor}, headers=other_auth_headers
    )

    assert_invalid_cursor(response)
