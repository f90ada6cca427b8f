"""The task summary cached in the real Redis: fresh after writes, per user, optional."""

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest
import redis.asyncio
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.infra.cache import MISS, Cache, create_cache
from app.main import create_app
from app.tasks import summary as task_summary
from app.tasks.models import Task
from app.tasks.summary import TaskSummary, summary_key
from tests.app_client import app_client
from tests.conftest import bearer, sign_up
from tests.plugins.redis import RedisServer
from tests.servers import silent_peer

SUMMARY = "/api/v1/tasks/summary"
TASKS = "/api/v1/tasks"


async def sign_up_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return bearer(await sign_up(client))


async def me(client: httpx.AsyncClient, headers: dict[str, str]) -> uuid.UUID:
    return uuid.UUID(
        (await client.get("/api/v1/users/me", headers=headers)).json()["id"]
    )


async def test_the_summary_counts_in_sql_and_is_cached_with_a_ttl(
    cached_client: httpx.AsyncClient, redis_url: str
) -> None:
    """First read computes and stores (TTL ≤ 60 s); the entry is the owner's."""
    headers = await sign_up_headers(cached_client)
    for title, status in [("a", "todo"), ("b", "done"), ("c", "done")]:
        body = {"title": title, "status": status, "due_at": "2030-01-02T03:04:05Z"}
        created = await cached_client.post(TASKS, json=body, headers=headers)
        assert created.status_code == 201, created.text

    first = await cached_client.get(SUMMARY, headers=headers)

    assert first.status_code == 200, first.text
    assert first.json() == {
        "total": 3,
        "by_status": {"todo": 1, "doing": 0, "done": 2},
        "next_due_at": "2030-01-02T03:04:05Z",
    }
    key = summary_key(await me(cached_client, headers))
    async with redis.asyncio.Redis.from_url(redis_url) as raw:
        assert 0 < await raw.ttl(key) <= 60
        # The writes bumped the key's version; it expires too, in a day.
        version = f"{key}:version"
        assert sorted(await raw.keys("tasks:v1:summary:*")) == [
            key.encode(),
            version.encode(),
        ]
        assert 0 < await raw.ttl(version) <= 86_400


@pytest.mark.parametrize("write", ["post", "patch", "put", "delete"])
async def test_every_write_refreshes_the_summary(
    cached_client: httpx.AsyncClient, write: str
) -> None:
    """A cached summary, then a write: the next read shows the write."""
    headers = await sign_up_headers(cached_client)
    task = (
        await cached_client.post(TASKS, json={"title": "a"}, headers=headers)
    ).json()
    before = (await cached_client.get(SUMMARY, headers=headers)).json()
    url = f"{TASKS}/{task['id']}"
    requests = {
        "post": cached_client.post(TASKS, json={"title": "b"}, headers=headers),
        "patch": cached_client.patch(url, json={"status": "done"}, headers=headers),
        "put": cached_client.put(
            url, json={"title": "a", "status": "doing"}, headers=headers
        ),
        "delete": cached_client.delete(url, headers=headers),
    }
    for name, request in requests.items():
        if name == write:
            assert (await request).status_code < 300
        else:
            request.close()  # never sent

    after = (await cached_client.get(SUMMARY, headers=headers)).json()

    expected = {
        "post": {"todo": 2, "doing": 0, "done": 0},
        "patch": {"todo": 0, "doing": 0, "done": 1},
        "put": {"todo": 0, "doing": 1, "done": 0},
        "delete": {"todo": 0, "doing": 0, "done": 0},
    }
    assert before["by_status"] == {"todo": 1, "doing": 0, "done": 0}
    assert after["by_status"] == expected[write]


async def test_a_failed_write_keeps_the_cached_summary(
    cached_client: httpx.AsyncClient, redis_url: str
) -> None:
    """A write that fails (404) commits nothing and deletes nothing."""
    headers = await sign_up_headers(cached_client)
    await cached_client.get(SUMMARY, headers=headers)
    key = summary_key(await me(cached_client, headers))

    missing = await cached_client.delete(f"{TASKS}/{uuid.uuid4()}", headers=headers)

    assert missing.status_code == 404
    async with redis.asyncio.Redis.from_url(redis_url) as raw:
        assert await raw.exists(key) == 1


@pytest.mark.parametrize("stored", [b'{"total": 1}', b"not json"])
async def test_an_entry_of_another_shape_is_a_miss(
    cached_client: httpx.AsyncClient, redis_url: str, stored: bytes
) -> None:
    """An entry the model refuses (a deploy that changed the value and not
    SUMMARY_FORMAT) is recomputed and replaced, not a 500 for a TTL."""
    headers = await sign_up_headers(cached_client)
    await cached_client.post(TASKS, json={"title": "a"}, headers=headers)
    key = summary_key(await me(cached_client, headers))
    async with redis.asyncio.Redis.from_url(redis_url) as raw:
        await raw.set(key, stored, ex=60)

        read = await cached_client.get(SUMMARY, headers=headers)

        assert read.status_code == 200, read.text
        assert read.json()["total"] == 1
        assert read.json()["by_status"]["todo"] == 1
        assert await raw.get(key) != stored


async def test_deleting_the_account_deletes_its_cached_summary(
    cached_client: httpx.AsyncClient, redis_url: str
) -> None:
    """Erasure leaves none of the account's data in Redis either (RET-005)."""
    headers = await sign_up_headers(cached_client)
    await cached_client.post(TASKS, json={"title": "a"}, headers=headers)
    await cached_client.get(SUMMARY, headers=headers)
    key = summary_key(await me(cached_client, headers))

    owner = await me(cached_client, headers)

    deleted = await cached_client.delete("/api/v1/users/me", headers=headers)

    assert deleted.status_code == 204, deleted.text
    async with redis.asyncio.Redis.from_url(redis_url) as raw:
        assert await raw.exists(key) == 0
        assert await raw.keys(f"*{owner}*") == []  # its version key too


async def test_a_read_that_began_before_a_write_does_not_store_the_old_value(
    cached_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache-aside race: a read misses and queries, a write commits and
    invalidates, then the read stores what it found. That value is stale; the
    next read must not be served it for the TTL."""
    headers = await sign_up_headers(cached_client)
    queried, release = asyncio.Event(), asyncio.Event()
    real_compute = task_summary.compute_summary

    async def slow_compute(session: AsyncSession, owner_id: uuid.UUID) -> TaskSummary:
        found = await real_compute(session, owner_id)  # before the write commits
        queried.set()
        await release.wait()  # the write commits and invalidates meanwhile
        return found

    monkeypatch.setattr(task_summary, "compute_summary", slow_compute)
    slow_read = asyncio.create_task(cached_client.get(SUMMARY, headers=headers))
    await asyncio.wait_for(queried.wait(), timeout=10)
    monkeypatch.setattr(task_summary, "compute_summary", real_compute)
    created = await cached_client.post(TASKS, json={"title": "a"}, headers=headers)
    release.set()
    stale = await slow_read

    fresh = await cached_client.get(SUMMARY, headers=headers)

    assert created.status_code == 201
    assert stale.json()["total"] == 0  # it began before the write: that is fine
    assert fresh.json()["total"] == 1  # but it was not stored for the next read


async def test_the_entry_is_deleted_after_the_commit(
    cached_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the invalidation runs, another connection already sees the new task."""
    headers = await sign_up_headers(cached_client)
    seen_at_delete: list[int] = []
    real_invalidate = Cache.invalidate

    async def watching_invalidate(self: Cache, *keys: str) -> None:
        async with sessions() as other:  # not the request's transaction
            seen_at_delete.append(
                await other.scalar(select(func.count()).select_from(Task)) or 0
            )
        await real_invalidate(self, *keys)

    monkeypatch.setattr(Cache, "invalidate", watching_invalidate)
    created = await cached_client.post(TASKS, json={"title": "a"}, headers=headers)

    assert created.status_code == 201
    assert seen_at_delete == [1]


async def test_a_redis_outage_serves_from_postgres_then_recovers(
    cached_client: httpx.AsyncClient,
    redis_server: RedisServer | None,
    redis_url: str,
) -> None:
    """Redis killed: reads and writes still succeed; back up: cached again."""
    if redis_server is None:
        pytest.fail("this test stops Redis: run it with the embedded server")
    headers = await sign_up_headers(cached_client)
    await cached_client.get(SUMMARY, headers=headers)

    redis_server.stop()
    during = [
        await cached_client.post(TASKS, json={"title": "x"}, headers=headers),
        await cached_client.get(SUMMARY, headers=headers),
        await cached_client.get(SUMMARY, headers=headers),
    ]
    redis_server.start()  # empty: nothing was saved
    await asyncio.sleep(5.1)  # the cache's cooldown after a failure
    after = await cached_client.get(SUMMARY, headers=headers)

    assert [r.status_code for r in during] == [201, 200, 200]
    assert during[1].json()["total"] == 1  # from PostgreSQL, not the old entry
    assert after.json()["total"] == 1
    async with redis.asyncio.Redis.from_url(redis_url) as raw:
        assert await raw.exists(summary_key(await me(cached_client, headers))) == 1


async def test_a_stalled_redis_costs_a_timeout_not_an_error(settings: Settings) -> None:
    """Every Redis call has a deadline: requests finish with 2xx, uncached."""
    with silent_peer() as peer:
        stalled = settings.model_copy(
            update={
                "redis_url": SecretStr(f"redis://{peer}/0"),
                "redis_timeout_seconds": 0.1,
            }
        )
        app = create_app(stalled)
        async with app_client(app) as client:
            headers = await sign_up_headers(client)
            async with asyncio.timeout(10):  # a hang fails the test, not CI
                answers = [
                    await client.get(SUMMARY, headers=headers),
                    await client.post(TASKS, json={"title": "x"}, headers=headers),
                    await client.get(SUMMARY, headers=headers),
                ]

    assert [r.status_code for r in answers] == [200, 201, 200]
    assert answers[2].json()["total"] == 1


def test_the_cache_ttl_has_a_floor_of_a_minute(settings: Settings) -> None:
    """CACHE_TTL below 60 s is refused at start-up, not discovered in production."""
    with pytest.raises(ValueError, match="greater than or equal"):
        Settings.model_validate(
            settings.model_dump() | {"cache_ttl": timedelta(seconds=5)}
        )


async def test_every_cache_call_gives_up_at_its_deadline() -> None:
    """Against a Redis that never answers, each call returns within its
    deadline and raises nothing; the failures start the cooldown."""
    with silent_peer() as peer:
        cache = create_cache(f"redis://{peer}/0", timeout_seconds=0.05)
        try:
            async with asyncio.timeout(5):  # four deadlines, not a hang
                await cache.set("k", b"v", ttl=timedelta(minutes=1), version=b"0")
                await cache.invalidate("k")
                await cache.forget("k")
                found = await cache.get("k")  # in the cooldown: not even tried
        finally:
            await cache.aclose()

    assert found == MISS


async def test_without_redis_the_cache_is_off() -> None:
    """No REDIS_URL: nothing is stored, every read is a miss, nothing raises."""
    cache = create_cache(None, timeout_seconds=0.05)
    await cache.set("k", b"v", ttl=timedelta(minutes=1), version=b"0")
    await cache.invalidate("k")
    await cache.forget("k")

    assert await cache.get("k") == MISS


async def test_a_read_in_flight_across_an_erasure_stores_nothing(
    redis_url: str,
) -> None:
    """A first read of a key (no version yet), then the key erased (an account
    deleted, or a Redis that restarted empty), then the read's store: refused.
    With "no version" read as version 0, it was stored again."""
    cache = create_cache(redis_url, timeout_seconds=1.0)
    try:
        found = await cache.get("tasks:v1:summary:{erased}")
        await cache.forget("tasks:v1:summary:{erased}")
        ttl = timedelta(minutes=1)
        await cache.set(
            "tasks:v1:summary:{erased}", b"old", ttl=ttl, version=found.version
        )
        async with redis.asyncio.Redis.from_url(redis_url) as raw:
            left = await raw.keys("*erased*")
    finally:
        await cache.aclose()

    assert found.value is None
    assert found.version is not None
    assert left == []
