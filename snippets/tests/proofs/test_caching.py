"""Proofs of the caching rules, through the real task endpoints."""

import httpx
import pytest
from fastapi import FastAPI

from demos import cch_no_validator, cch_public_personal_data

TASKS = "/api/v1/tasks"


def demo_client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://api")


# --8<-- [start:cch-001]
@pytest.mark.rule("CCH-001")
async def test_an_unchanged_task_is_revalidated_without_a_body(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """The client sends the ETag back: 304 and no body, until the task changes."""
    created = await client.post(TASKS, json={"title": "Draft"}, headers=auth_headers)
    url = f"{TASKS}/{created.json()['id']}"

    # Do: a strong ETag, a bodiless 304, and a new ETag once the task changed.
    first = await client.get(url, headers=auth_headers)
    etag = {"If-None-Match": first.headers["ETag"]}
    again = await client.get(url, headers=auth_headers | etag)
    assert (again.status_code, again.content) == (304, b"")
    await client.patch(url, json={"title": "Final"}, headers=auth_headers)
    changed = await client.get(url, headers=auth_headers | etag)
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "Final"

    # Don't: no validator, so every poll transfers the whole body.
    async with demo_client(cch_no_validator.app) as demo:
        polled = await demo.get("/tasks/42", headers={"If-None-Match": '"v1"'})
    assert "ETag" not in polled.headers
    assert polled.status_code == 200
    assert len(polled.content) > 2000


# --8<-- [end:cch-001]


def shareable(cache_control: str) -> bool:
    """May a shared cache (CDN, proxy) keep this response for other users?"""
    directives = {part.strip().split("=")[0] for part in cache_control.split(",")}
    return "public" in directives or not directives & {"private", "no-store"}


# --8<-- [start:cch-002]
@pytest.mark.rule("CCH-002")
async def test_personal_responses_never_reach_shared_caches(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Cache-Control of a user's own data says `private` (or `no-store`)."""
    created = await client.post(TASKS, json={"title": "Draft"}, headers=auth_headers)

    # Do: a task and a task list, each private to the caller's cache.
    for url in (f"{TASKS}/{created.json()['id']}", TASKS):
        response = await client.get(url, headers=auth_headers)
        assert not shareable(response.headers["Cache-Control"])
        assert "Authorization" in response.headers["Vary"]

    # Don't: Ada's profile is marked for any shared cache.
    app = FastAPI()
    app.include_router(cch_public_personal_data.router)
    async with demo_client(app) as demo:
        response = await demo.get("/me")
    assert shareable(response.headers["Cache-Control"])


# --8<-- [end:cch-002]
