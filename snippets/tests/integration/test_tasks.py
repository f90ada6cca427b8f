"""The tasks endpoints through the real app on a real PostgreSQL."""

import httpx
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.users.models import User
from tests.factories import TaskCreateFactory

TASKS = "/api/v1/tasks"


# --8<-- [start:create-and-get]
async def test_create_then_get_task(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A created task reads back with UTC `Z` times and money as a string."""
    payload = {
        "title": "File the tax return",
        "due_at": "2027-04-30T19:00:00+02:00",
        "budget": {"amount": "120.50", "currency": "EUR"},
    }

    created = await client.post(TASKS, json=payload, headers=auth_headers)

    assert created.status_code == 201, created.text
    task = created.json()
    assert created.headers["Location"] == f"{TASKS}/{task['id']}"
    assert task["due_at"] == "2027-04-30T17:00:00Z"  # normalized to UTC
    assert task["budget"] == {"amount": "120.50", "currency": "EUR"}  # no float
    assert task["status"] == "todo"
    assert set(task["owner"]) == {"id", "display_name"}  # no email leaks out

    fetched = await client.get(f"{TASKS}/{task['id']}", headers=auth_headers)

    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == task


# --8<-- [end:create-and-get]


async def test_task_of_another_user_is_not_found(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
) -> None:
    """Another user's task is a 404 for every verb: its existence stays hidden."""
    body = TaskCreateFactory.build().model_dump(mode="json")
    created = await client.post(TASKS, json=body, headers=auth_headers)
    url = f"{TASKS}/{created.json()['id']}"

    responses = [
        await client.get(url, headers=other_auth_headers),
        await client.patch(url, json={"status": "done"}, headers=other_auth_headers),
        await client.put(url, json=body, headers=other_auth_headers),
        await client.delete(url, headers=other_auth_headers),
    ]

    for response in responses:
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "task-not-found"
    assert (await client.get(url, headers=auth_headers)).status_code == 200


async def test_an_amount_reads_the_same_after_create_and_update(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Create answers "684.40" for "684.4", as every later read of the row does."""
    body = TaskCreateFactory.build().model_dump(mode="json")
    body["budget"] = {"amount": "684.4", "currency": "USD"}
    created = (await client.post(TASKS, json=body, headers=auth_headers)).json()
    url = f"{TASKS}/{created['id']}"
    read = (await client.get(url, headers=auth_headers)).json()

    assert (
        created["budget"] == read["budget"] == {"amount": "684.40", "currency": "USD"}
    )


async def test_patch_changes_only_the_fields_sent(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """PATCH keeps unsent fields, and `null` clears the due date and budget."""
    body = TaskCreateFactory.build().model_dump(mode="json")
    task = (await client.post(TASKS, json=body, headers=auth_headers)).json()
    url = f"{TASKS}/{task['id']}"

    patched = await client.patch(url, json={"status": "done"}, headers=auth_headers)
    assert patched.status_code == 200, patched.text
    assert patched.json() | {"updated_at": None} == task | {
        "status": "done",
        "updated_at": None,
    }

    cleared = await client.patch(
        url, json={"due_at": None, "budget": None}, headers=auth_headers
    )
    assert cleared.json()["due_at"] is None
    assert cleared.json()["budget"] is None

    refused = await client.patch(url, json={"title": None}, headers=auth_headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "title"]


async def test_deprecated_put_replaces_and_announces_its_sunset(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """PUT still works, with Deprecation, Sunset and successor Link headers."""
    body = TaskCreateFactory.build().model_dump(mode="json")
    task = (await client.post(TASKS, json=body, headers=auth_headers)).json()
    replacement = {"title": "Replaced"}

    response = await client.put(
        f"{TASKS}/{task['id']}", json=replacement, headers=auth_headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Replaced"
    assert response.json()["budget"] is None  # a full replace resets what is unsent
    assert response.json()["description"] == ""
    assert response.headers["Deprecation"] == "@1793491200"
    assert response.headers["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
    assert 'rel="successor-version"' in response.headers["Link"]


async def test_delete_task(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """DELETE answers 204 with no body; the task is gone afterwards."""
    body = TaskCreateFactory.build().model_dump(mode="json")
    task = (await client.post(TASKS, json=body, headers=auth_headers)).json()
    url = f"{TASKS}/{task['id']}"

    deleted = await client.delete(url, headers=auth_headers)

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert (await client.get(url, headers=auth_headers)).status_code == 404


async def test_token_of_a_deleted_account_cannot_create_tasks(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The account's deletion ends its sessions: the token is refused at once."""
    async with sessions.begin() as session:
        await session.execute(delete(User))

    body = TaskCreateFactory.build().model_dump(mode="json")
    response = await client.post(TASKS, json=body, headers=auth_headers)

    assert response.status_code == 401, response.text
    assert response.json()["code"] == "invalid-token"
