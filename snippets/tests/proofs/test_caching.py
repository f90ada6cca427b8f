"""Proofs of the caching rules, through the real task endpoints."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from app.worker import service as worker_service
from app.worker.config import WorkerSettings
from app.worker.constants import JobType
from app.worker.service import Handler
from demos import (
    cch_no_validator,
    cch_public_personal_data,
    cch_shared_summary,
    cch_stale_cache,
)
from tests.conftest import bearer, sign_up
from tests.plugins.redis import RedisServer
from tests.queues import (
    connected_queue,
    running_worker,
    wait_until_done,
    worker_settings,
)

TASKS = "/api/v1/tasks"
SUMMARY = "/api/v1/tasks/summary"
IMPORTS = "/api/v1/tasks/imports"


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


@dataclass
class CacheFacts:
    per_user: bool  # each user got their own numbers
    ttls: list[int]  # seconds left on each entry (-1: none)


async def service_summaries(client: httpx.AsyncClient, redis_url: str) -> CacheFacts:
    """Do: two users read their summaries through the real app and Redis."""
    ada, bob = bearer(await sign_up(client)), bearer(await sign_up(client))
    await client.post(TASKS, json={"title": "Ada's"}, headers=ada)
    totals = [
        (await client.get(SUMMARY, headers=reader)).json()["total"]
        for reader in (ada, bob, ada, bob)  # the second two come from Redis
    ]
    async with Redis.from_url(redis_url) as raw:
        ttls = [await raw.ttl(key) for key in await raw.keys("tasks:*")]
    return CacheFacts(per_user=totals == [1, 0, 1, 0], ttls=ttls)


async def demo_summaries(client: httpx.AsyncClient, redis_url: str) -> CacheFacts:
    """Don't: the demo's summary for the same two users, on the same Redis."""
    del client  # the demo is called directly
    counts = {"ada": b"1", "bob": b"0"}

    async def compute(user_id: str) -> bytes:
        return counts[user_id]

    async with Redis.from_url(redis_url) as raw:
        totals = [
            await cch_shared_summary.summary(raw, user, compute)
            for user in ("ada", "bob")
        ]
        ttls = [await raw.ttl("summary")]
    return CacheFacts(per_user=totals == [b"1", b"0"], ttls=ttls)


# --8<-- [start:cch-003]
@pytest.mark.rule("CCH-003")
@pytest.mark.parametrize(
    ("read_summaries", "holds"),
    [(service_summaries, True), (demo_summaries, False)],
    ids=["do", "dont"],
)
async def test_cached_entries_are_per_user_and_expire(
    *,
    read_summaries: Callable[[httpx.AsyncClient, str], Awaitable[CacheFacts]],
    holds: bool,
    cached_client: httpx.AsyncClient,
    redis_url: str,
) -> None:
    """Two users, one Redis: each gets their own summary, every entry has a TTL."""
    facts = await read_summaries(cached_client, redis_url)
    assert (facts.per_user and all(ttl > 0 for ttl in facts.ttls)) is holds


@pytest.mark.rule("CCH-003")
async def test_a_redis_outage_is_a_cache_miss_not_an_error(
    cached_client: httpx.AsyncClient, redis_server: RedisServer | None, redis_url: str
) -> None:
    """Redis killed: the service answers 200 from PostgreSQL; the Don't raises."""
    if redis_server is None:
        pytest.fail("this proof stops Redis: run it with the embedded server")
    headers = bearer(await sign_up(cached_client))
    redis_server.stop()
    # Do: the summary is computed without the cache.
    answered = await cached_client.get(SUMMARY, headers=headers)
    assert answered.status_code == 200, answered.text
    # Don't: the demo's Redis call fails the request (a 500 in an endpoint).
    async with Redis.from_url(redis_url) as raw:
        with pytest.raises(RedisConnectionError):
            await cch_shared_summary.summary(raw, "ada", lambda _: _zero())


async def _zero() -> bytes:
    return b"0"


# --8<-- [end:cch-003]


# --8<-- [start:cch-004]
async def summary_after_an_import(
    api: httpx.AsyncClient, settings: WorkerSettings, handler: Handler
) -> tuple[int, int]:
    """The summary's total before and after the worker imported one task."""
    headers = bearer(await sign_up(api))
    accepted = await api.post(IMPORTS, json={"titles": ["New"]}, headers=headers)
    # Read while the import is pending: the count without it is cached.
    before = (await api.get(SUMMARY, headers=headers)).json()["total"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, handler)
        async with connected_queue(settings) as queue, running_worker(settings, queue):
            await wait_until_done(queue, accepted.json()["id"])
    after = (await api.get(SUMMARY, headers=headers)).json()["total"]
    return before, after


@pytest.mark.rule("CCH-004")
async def test_the_next_read_after_a_write_is_fresh(
    cached_client: httpx.AsyncClient, database_url: str, redis_url: str
) -> None:
    """A cached summary, then a write by the API and one by the worker: each
    next read counts it. The Don't's worker handler leaves the old count."""
    headers = bearer(await sign_up(cached_client))
    before = await cached_client.get(SUMMARY, headers=headers)  # now cached
    await cached_client.post(TASKS, json={"title": "New"}, headers=headers)
    after = await cached_client.get(SUMMARY, headers=headers)
    assert (before.json()["total"], after.json()["total"]) == (0, 1)
    # Do: the worker's handler names the summary it made stale.
    settings = worker_settings(database_url, redis_url)
    do = worker_service.HANDLERS[JobType.TASK_IMPORT]
    assert await summary_after_an_import(cached_client, settings, do) == (0, 1)
    # Don't: a second write path that forgets the cache.
    dont = cch_stale_cache.import_tasks
    assert await summary_after_an_import(cached_client, settings, dont) == (0, 0)


# --8<-- [end:cch-004]
