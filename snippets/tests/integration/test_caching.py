"""ETag, If-None-Match (304) and If-Match (412) on the tasks endpoints."""

import httpx
from fastapi import FastAPI

TASKS = "/api/v1/tasks"


async def create(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post(TASKS, json={"title": "t"}, headers=headers)
    return f"{TASKS}/{response.json()['id']}"


async def test_get_has_a_strong_etag_and_a_304_without_body(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """The same representation gives the same ETag; the revalidation is a 304."""
    url = await create(client, auth_headers)

    first = await client.get(url, headers=auth_headers)
    etag = first.headers["ETag"]
    cached = await client.get(url, headers=auth_headers | {"If-None-Match": etag})
    weak = await client.get(url, headers=auth_headers | {"If-None-Match": f"W/{etag}"})

    assert first.status_code == 200, first.text
    assert etag.startswith('"')  # strong: no W/ prefix
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first.headers["Vary"]
    assert cached.status_code == weak.status_code == 304
    assert cached.content == b""
    assert cached.headers["ETag"] == etag


async def test_a_change_changes_the_etag(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    url = await create(client, auth_headers)
    etag = (await client.get(url, headers=auth_headers)).headers["ETag"]

    patched = await client.patch(url, json={"title": "new"}, headers=auth_headers)
    fresh = await client.get(url, headers=auth_headers | {"If-None-Match": etag})

    assert fresh.status_code == 200, fresh.text
    assert fresh.headers["ETag"] == patched.headers["ETag"] != etag


async def test_the_list_has_an_etag_too(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await create(client, auth_headers)
    page = await client.get(TASKS, headers=auth_headers)

    again = await client.get(
        TASKS, headers=auth_headers | {"If-None-Match": f'"x", {page.headers["ETag"]}'}
    )
    star = await client.get(TASKS, headers=auth_headers | {"If-None-Match": "*"})

    assert page.headers["Cache-Control"] == "private, no-cache"
    assert again.status_code == star.status_code == 304


async def test_if_match_guards_every_write(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A stale ETag is a 412 for PATCH, PUT and DELETE; a current one passes."""
    url = await create(client, auth_headers)
    etag = (await client.get(url, headers=auth_headers)).headers["ETag"]
    stale = auth_headers | {"If-Match": '"stale"'}

    refused = [
        await client.patch(url, json={"title": "x"}, headers=stale),
        await client.put(url, json={"title": "x"}, headers=stale),
        await client.delete(url, headers=stale),
    ]
    accepted = await client.patch(
        url, json={"title": "x"}, headers=auth_headers | {"If-Match": etag}
    )
    deleted = await client.delete(url, headers=auth_headers | {"If-Match": "*"})

    for response in refused:
        assert response.status_code == 412, response.text
        assert response.json()["code"] == "precondition-failed"
    assert accepted.status_code == 200, accepted.text
    assert deleted.status_code == 204


async def test_every_get_of_the_api_says_how_it_may_be_cached(
    app: FastAPI, cached_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    """CCH-002 on every route, new ones included: a user's data is private or no-store.

    Without Cache-Control a browser may keep an account's data fresh by heuristics
    (RFC 9111 §4.2.2) and show it after a change or a sign-out. The scope: every GET
    the OpenAPI document lists under /api/, called as the admin with one task and one
    import in place, each answering 200 (health and metrics are not user data).
    (`cached_client`: imports need the queue; the routes are the same as `app`'s.)"""
    client = cached_client
    task = await client.post(TASKS, json={"title": "t"}, headers=admin_headers)
    imported = await client.post(
        f"{TASKS}/imports", json={"titles": ["a"]}, headers=admin_headers
    )
    ids = {"task_id": task.json()["id"], "import_id": imported.json()["id"]}
    paths = [
        path.format(**ids)
        for path, operations in app.openapi()["paths"].items()
        if "get" in operations and path.startswith("/api/")
    ]
    assert len(paths) >= 7  # the list, one task, summary, import, export, me, users

    for path in paths:
        response = await client.get(path, headers=admin_headers)
        assert response.status_code == 200, (path, response.text)
        policy = response.headers.get("Cache-Control", "")
        assert policy in {"private, no-cache", "no-store"}, (path, policy)
        if policy == "private, no-cache":  # revalidated: it needs a validator
            tag = {"If-None-Match": response.headers["ETag"]}
            again = await client.get(path, headers=admin_headers | tag)
            assert again.status_code == 304, path
