"""Bulk imports: 202 from the API, the job on the real queue, the status polled."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import JsonValue, SecretStr
from saq import Queue
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.main import create_app
from app.tasks.dependencies import get_retry_policy
from app.tasks.models import Task, TaskImport
from app.worker import service as worker_service
from app.worker.config import JobPolicy
from app.worker.constants import JobType
from app.worker.schemas import Job
from tests.app_client import app_client
from tests.conftest import bearer, sign_up
from tests.plugins.redis import RedisServer
from tests.queues import connected_queue, running_worker, wait_until_done
from tests.queues import worker_settings as make_worker_settings

IMPORTS = "/api/v1/tasks/imports"
TASKS = "/api/v1/tasks"
SUMMARY = "/api/v1/tasks/summary"
# Two quick attempts: a failing import is through in well under a second.
QUICK = JobPolicy(
    job_max_attempts=2, job_retry_delay_seconds=0.05, job_retry_max_delay_seconds=0.1
)


@pytest.fixture
async def api(settings: Settings, redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with REDIS_URL set: it caches and enqueues."""
    app = create_app(settings.model_copy(update={"redis_url": SecretStr(redis_url)}))
    app.dependency_overrides[get_retry_policy] = lambda: QUICK
    async with app_client(app) as client:
        yield client


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def headers_of_new_user(api: httpx.AsyncClient) -> dict[str, str]:
    return bearer(await sign_up(api))


async def test_an_import_is_accepted_at_once_then_applied_by_the_worker(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    redis_url: str,
) -> None:
    """202 with a status URL; `accepted` until the worker ran, then `done`."""
    headers = await headers_of_new_user(api)
    body = {"titles": ["Plan", "Build", "Ship"]}

    accepted = await api.post(IMPORTS, json=body, headers=headers)

    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["Location"]
    assert location == f"{IMPORTS}/{accepted.json()['id']}"
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["title_count"] == 3
    assert (await api.get(location, headers=headers)).json()["status"] == "accepted"
    assert await count(sessions, Task) == 0  # nothing created in the request
    assert (await api.get(SUMMARY, headers=headers)).json()["total"] == 0  # cached

    settings = make_worker_settings(database_url, redis_url)
    async with connected_queue(settings) as queue, running_worker(settings, queue):
        await wait_until_done(queue, accepted.json()["id"])

    polled = await api.get(location, headers=headers)
    assert polled.status_code == 200
    assert polled.json()["status"] == "done"
    assert polled.json()["done_at"] is not None
    listed = await api.get(TASKS, params={"sort": "title"}, headers=headers)
    assert [task["title"] for task in listed.json()["items"]] == [
        "Build",
        "Plan",
        "Ship",
    ]
    # The worker dropped the cached summary after its commit.
    assert (await api.get(SUMMARY, headers=headers)).json()["total"] == 3


async def test_a_retried_import_with_its_key_is_one_import(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    redis_url: str,
) -> None:
    """The same Idempotency-Key twice: one row, one job, the first answer replayed."""
    headers = await headers_of_new_user(api) | {"Idempotency-Key": "import-0001"}
    body = {"titles": ["Once"]}

    first = await api.post(IMPORTS, json=body, headers=headers)
    again = await api.post(IMPORTS, json=body, headers=headers)
    other = await api.post(IMPORTS, json={"titles": ["Other"]}, headers=headers)

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"
    settings = make_worker_settings(database_url, redis_url)
    async with connected_queue(settings) as queue, running_worker(settings, queue):
        await wait_until_done(queue, first.json()["id"])
    replayed = await api.post(IMPORTS, json=body, headers=headers)
    assert replayed.json()["status"] == "done"  # where it stands now
    assert await count(sessions, TaskImport) == 1
    assert await count(sessions, Task) == 1


async def test_an_import_is_enqueued_only_after_its_commit(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the job reaches the queue, another connection already sees the row:
    a worker never gets a job whose row may still roll back."""
    seen_at_enqueue: list[int] = []
    real_enqueue = worker_service.enqueue

    async def watching(queue: Queue, job: Job, policy: JobPolicy) -> bool:
        seen_at_enqueue.append(await count(sessions, TaskImport))
        return await real_enqueue(queue, job, policy)

    monkeypatch.setattr(worker_service, "enqueue", watching)
    headers = await headers_of_new_user(api)

    accepted = await api.post(IMPORTS, json={"titles": ["x"]}, headers=headers)

    assert accepted.status_code == 202
    assert seen_at_enqueue == [1]


async def test_an_import_accepted_while_redis_is_down_runs_once_it_is_back(
    *,
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    redis_server: RedisServer | None,
    database_url: str,
    redis_url: str,
) -> None:
    """The row is committed, so the import is accepted (202); its job waits
    for the worker's requeue, which enqueues it once Redis answers again."""
    if redis_server is None:
        pytest.fail("this test stops Redis: run it with the embedded server")
    headers = await headers_of_new_user(api)
    redis_server.stop()
    try:
        accepted = await api.post(IMPORTS, json={"titles": ["Later"]}, headers=headers)
    finally:
        redis_server.start()

    assert accepted.status_code == 202, accepted.text
    settings = make_worker_settings(database_url, redis_url)
    async with connected_queue(settings) as queue:
        assert await queue.job(accepted.json()["id"]) is None  # never reached it
        requeued = await worker_service.requeue_pending_imports(
            sessions, queue, settings, accepted_before=datetime.now(UTC)
        )
        async with running_worker(settings, queue):
            await wait_until_done(queue, accepted.json()["id"])

    assert requeued == 1
    polled = await api.get(accepted.headers["Location"], headers=headers)
    assert polled.json()["status"] == "done"
    assert await count(sessions, Task) == 1


async def test_without_redis_imports_answer_503(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """No REDIS_URL: the service runs, says imports are off, and records none.
    No Retry-After: retrying will not help until the deployment changes."""
    response = await client.post(IMPORTS, json={"titles": ["x"]}, headers=auth_headers)

    assert response.status_code == 503
    assert response.json()["code"] == "queue-unavailable"
    assert "retry-after" not in response.headers
    assert await count(sessions, TaskImport) == 0


async def test_one_user_cannot_fill_the_queue(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    """IMPORT_MAX_PENDING imports wait (no worker runs): the rest are a 429,
    however many arrive at once, and another user is not affected."""
    headers = await headers_of_new_user(api)
    body = {"titles": ["x"]}
    tries = settings.import_max_pending + 7
    answers = await asyncio.gather(  # at once: counted one after the other
        *(api.post(IMPORTS, json=body, headers=headers) for _ in range(tries))
    )
    other = await api.post(IMPORTS, json=body, headers=await headers_of_new_user(api))
    refused = await api.post(IMPORTS, json=body, headers=headers)

    pending = settings.import_max_pending
    assert sorted(a.status_code for a in answers) == [202] * pending + [429] * 7
    assert refused.json()["code"] == "too-many-imports"
    assert refused.headers["Retry-After"] == "60"
    assert other.status_code == 202


async def test_another_users_import_is_not_found(api: httpx.AsyncClient) -> None:
    mine = await headers_of_new_user(api)
    theirs = await headers_of_new_user(api)
    accepted = await api.post(IMPORTS, json={"titles": ["Mine"]}, headers=mine)

    seen = await api.get(accepted.headers["Location"], headers=theirs)
    unknown = await api.get(f"{IMPORTS}/{uuid.uuid4()}", headers=mine)

    assert (seen.status_code, unknown.status_code) == (404, 404)
    assert seen.json()["code"] == unknown.json()["code"] == "import-not-found"


async def test_an_import_that_fails_every_attempt_is_reported_failed(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its attempts run out: `failed`, with a dead letter and no task."""

    async def broken(
        session: AsyncSession, payload: dict[str, JsonValue]
    ) -> Sequence[str]:
        raise ConnectionError("partner unavailable")

    monkeypatch.setitem(worker_service.HANDLERS, JobType.TASK_IMPORT, broken)
    headers = await headers_of_new_user(api)
    accepted = await api.post(IMPORTS, json={"titles": ["Doomed"]}, headers=headers)
    settings = make_worker_settings(database_url, redis_url)
    async with connected_queue(settings) as queue, running_worker(settings, queue):
        done = await wait_until_done(queue, accepted.json()["id"])

        requeued = await worker_service.requeue_pending_imports(
            sessions, queue, settings, accepted_before=datetime.now(UTC)
        )

    assert done.attempts == QUICK.job_max_attempts  # the producer's policy
    polled = await api.get(accepted.headers["Location"], headers=headers)
    assert polled.json()["status"] == "failed"
    assert await count(sessions, Task) == 0
    assert requeued == 0  # given up on: not retried for ever


async def test_an_import_whose_job_the_queue_lost_is_enqueued_again(
    *,
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    redis_url: str,
    redis_server: RedisServer | None,
) -> None:
    """Redis restarted without its data after the 202: the worker's requeue
    finds the pending import in PostgreSQL and the queue gets its job again."""
    if redis_server is None:
        pytest.fail("this test restarts Redis: run it with the embedded server")
    headers = await headers_of_new_user(api)
    accepted = await api.post(IMPORTS, json={"titles": ["Kept"]}, headers=headers)
    assert accepted.status_code == 202, accepted.text
    redis_server.stop()
    redis_server.start()  # empty: the job is gone
    settings = make_worker_settings(database_url, redis_url)
    async with connected_queue(settings) as queue:
        assert await queue.job(accepted.json()["id"]) is None
        requeued = [
            await worker_service.requeue_pending_imports(
                sessions, queue, settings, accepted_before=datetime.now(UTC)
            )
            for _ in range(2)  # the second finds the job queued: no duplicate
        ]
        async with running_worker(settings, queue):
            await wait_until_done(queue, accepted.json()["id"])

    assert requeued == [1, 0]
    polled = await api.get(accepted.headers["Location"], headers=headers)
    assert polled.json()["status"] == "done"
    assert await count(sessions, Task) == 1


@pytest.mark.parametrize(
    "body",
    [{"titles": []}, {"titles": ["x"] * 501}, {"titles": [""]}, {"title": "x"}],
    ids=["none", "too-many", "empty-title", "wrong-field"],
)
async def test_a_bad_import_is_a_422_and_enqueues_nothing(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    body: dict[str, object],
) -> None:
    headers = await headers_of_new_user(api)

    response = await api.post(IMPORTS, json=body, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert await count(sessions, TaskImport) == 0
