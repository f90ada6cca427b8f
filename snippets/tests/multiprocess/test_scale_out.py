"""Per-process state under 2 API processes and 2 queue workers: shared or correct."""

import asyncio
import re
import uuid

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from app.infra.clients.redis import create_queue
from app.tasks.models import Task
from app.worker.models import ProcessedJob
from tests.factories import UserCreateFactory
from tests.multiprocess.conftest import METRICS_TOKEN, Stack, spread
from tests.queues import wait_until_done

SUMMARY = "/api/v1/tasks/summary"
TASKS = "/api/v1/tasks"
IMPORTS = "/api/v1/tasks/imports"
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


async def sign_up(api: httpx.AsyncClient) -> tuple[dict[str, str], str, str]:
    """Register and sign in; returns the header, the e-mail and the user's ID."""
    user = UserCreateFactory.build(factory_use_construct=False)
    created = await api.post("/api/v1/users", json=user.model_dump(mode="json"))
    assert created.status_code == 202, created.text  # the same for a taken address
    form = {"username": user.email, "password": user.password}
    tokens = (await api.post("/api/v1/auth/token", data=form)).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = (await api.get("/api/v1/users/me", headers=headers)).json()
    return headers, user.email, me["id"]


async def count_rows(stack: Stack, model: type) -> int:
    engine = create_async_engine(stack.database_url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(select(func.count()).select_from(model)) or 0
    finally:
        await engine.dispose()


async def test_both_processes_answer(stack: Stack) -> None:
    """The precondition of every other test here: the load reaches both."""
    await spread(stack, count=8)
    assert len(stack.api_pids()) == 2


async def test_an_idempotency_key_creates_one_task_across_processes(
    stack: Stack, api: httpx.AsyncClient
) -> None:
    """20 concurrent retries of one POST, over both processes: one task."""
    await spread(stack, count=8)
    headers, _, _ = await sign_up(api)
    keyed = headers | {"Idempotency-Key": f"retry-{uuid.uuid4()}"}

    answers = await asyncio.gather(
        *(api.post(TASKS, json={"title": "Once"}, headers=keyed) for _ in range(20))
    )

    created = [a for a in answers if a.status_code == 201]
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    assert len({a.json()["id"] for a in created}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") != "true" for a in created) == 1
    assert await count_rows(stack, Task) == 1


async def test_sign_in_limits_are_shared_by_the_processes(
    api: httpx.AsyncClient,
) -> None:
    """LOGIN_ATTEMPTS_PER_ACCOUNT=3: the 4th bad password is refused by either one."""
    user = UserCreateFactory.build(factory_use_construct=False)
    created = await api.post("/api/v1/users", json=user.model_dump(mode="json"))
    assert created.status_code == 202, created.text
    form = {"username": user.email, "password": "wrong password 123"}

    statuses = [
        (await api.post("/api/v1/auth/token", data=form)).status_code for _ in range(8)
    ]

    assert statuses[:3] == [401, 401, 401]
    assert set(statuses[3:]) == {429}


async def test_a_write_in_one_process_refreshes_the_cache_for_all(
    stack: Stack, api: httpx.AsyncClient
) -> None:
    """Summaries cached by both processes; one write; every later read is fresh."""
    headers, _, _ = await sign_up(api)
    warm = [
        (await api.get(SUMMARY, headers=headers)).json()["total"] for _ in range(10)
    ]
    await spread(stack, count=8)

    created = await api.post(TASKS, json={"title": "New"}, headers=headers)
    fresh = [
        (await api.get(SUMMARY, headers=headers)).json()["total"] for _ in range(10)
    ]

    assert created.status_code == 201
    assert (set(warm), set(fresh)) == ({0}, {1})


async def test_two_queue_workers_apply_each_job_once(
    stack: Stack, api: httpx.AsyncClient
) -> None:
    """20 imports through the API, each job also delivered a second time:
    20 tasks, both workers busy."""
    headers, _, _ = await sign_up(api)
    queue = create_queue(stack.redis_url)
    await queue.connect()
    try:
        ids = []
        for n in range(20):
            body = {"titles": [f"Import {n}"]}
            accepted = await api.post(IMPORTS, json=body, headers=headers)
            assert accepted.status_code == 202, accepted.text
            ids.append(accepted.json()["id"])
        for job_id in ids:
            first = await queue.job(job_id)
            assert first is not None
            await queue.enqueue(  # the redelivery, under another key
                "process_job", key=f"again-{job_id}", **(first.kwargs or {})
            )
        keys = ids + [f"again-{job_id}" for job_id in ids]
        done = [await wait_until_done(queue, key, seconds=30) for key in keys]
    finally:
        await queue.disconnect()

    assert {job.status for job in done} == {"complete"}
    assert sum(bool(job.result) for job in done) == 20  # applied; the rest skipped
    assert len({job.worker_id for job in done}) == 2
    assert await count_rows(stack, Task) == 20
    assert await count_rows(stack, ProcessedJob) == 20
    summary = (await api.get(SUMMARY, headers=headers)).json()
    assert summary["total"] == 20  # the worker's invalidation reached the API


# --8<-- [start:metrics-across-processes]
def healthz_total(text: str) -> float:
    found = re.search(
        r'^http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$',
        text,
        flags=re.MULTILINE,
    )
    assert found, text[:500]
    return float(found.group(1))


async def test_every_scrape_counts_the_requests_of_both_processes(
    stack: Stack, api: httpx.AsyncClient
) -> None:
    """Whichever process answers /metrics, the totals are the same and complete."""
    await spread(stack, count=8)
    before = healthz_total((await api.get("/metrics", headers=SCRAPER)).text)
    await asyncio.gather(*(api.get("/healthz") for _ in range(50)))

    scrapes = [(await api.get("/metrics", headers=SCRAPER)).text for _ in range(8)]

    assert {healthz_total(text) - before for text in scrapes} == {50.0}
    assert all("db_pool_size 20.0" in text for text in scrapes)  # 10 per process


# --8<-- [end:metrics-across-processes]


async def test_a_redis_outage_leaves_both_processes_serving(
    stack: Stack, api: httpx.AsyncClient, redis_server: object
) -> None:
    """Redis killed mid-run: summaries and writes still succeed on both processes."""
    from tests.plugins.redis import RedisServer  # noqa: PLC0415  # the type only

    if not isinstance(redis_server, RedisServer):
        pytest.fail("this test stops Redis: run it with the embedded server")
    headers, _, _ = await sign_up(api)
    await api.get(SUMMARY, headers=headers)
    redis_server.stop()
    try:
        answers = [await api.get(SUMMARY, headers=headers) for _ in range(10)]
        written = await api.post(TASKS, json={"title": "x"}, headers=headers)
        after = [await api.get(SUMMARY, headers=headers) for _ in range(10)]
    finally:
        redis_server.start()

    assert {a.status_code for a in answers + after} == {200}
    assert written.status_code == 201
    assert {a.json()["total"] for a in after} == {1}


async def test_a_database_restart_costs_no_5xx_on_either_process(
    stack: Stack, api: httpx.AsyncClient
) -> None:
    """A restart (or failover) ends every session: both pools must reconnect.

    Each process and worker holds pooled connections that PostgreSQL has just
    closed; a pool that hands one out again turns the next request into an
    error. Ending them with pg_terminate_backend (waiting for each backend to
    exit) is what a restart does to them.
    """
    headers, _, _ = await sign_up(api)
    await spread(stack, count=8)
    before = await asyncio.gather(*(api.get(TASKS, headers=headers) for _ in range(8)))
    engine = create_async_engine(stack.database_url)
    try:
        async with engine.connect() as connection:
            ended = await connection.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid, 5000)) "
                    "FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        await engine.dispose()
    after = [
        response
        for _ in range(5)
        for response in await asyncio.gather(
            *(api.get(TASKS, headers=headers) for _ in range(8)),
            api.post(TASKS, json={"title": "after the restart"}, headers=headers),
        )
    ]
    ready = await api.get("/readyz")

    assert {r.status_code for r in before} == {200}
    assert ended, "no pooled session was ended: the test proves nothing"
    assert sorted({r.status_code for r in after}) == [200, 201], [
        (r.status_code, r.text[:200]) for r in after if r.status_code >= 500
    ]
    assert ready.status_code == 200
