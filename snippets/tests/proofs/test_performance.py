"""Proofs of the Performance rules: the example's image, app and database pool."""

import gzip
import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from app.core.config import Settings
from app.infra.db.base import Timeouts, create_engine_and_sessionmaker
from app.main import create_app
from demos import perf_double_serialization, perf_etag_dumps_twice, perf_unbounded_pool
from tests.app_client import app_client
from tests.dump_counter import counted_dumps

SNIPPETS = Path(__file__).resolve().parents[2]
URL = "postgresql+asyncpg://u:p@127.0.0.1:9/none"  # no connection is opened


def server_command(dockerfile: str) -> list[str]:
    """The CMD of the image, continuation lines joined."""
    joined = dockerfile.replace("\\\n", " ")
    command = [line for line in joined.splitlines() if line.startswith("CMD ")][-1]
    parsed: list[str] = json.loads(command.removeprefix("CMD "))
    return parsed


# --8<-- [start:perf-001]
@pytest.mark.rule("PERF-001")
@pytest.mark.parametrize(
    ("dockerfile", "holds"),
    [("Dockerfile", True), ("demos/ops_root_image.Dockerfile", False)],
    ids=["do", "dont"],
)
def test_the_worker_count_is_left_to_the_environment(
    *, dockerfile: str, holds: bool
) -> None:
    """uvicorn with no worker count in the image: WEB_CONCURRENCY decides."""
    command = server_command((SNIPPETS / dockerfile).read_text())
    fixed = {"--workers", "-w"} & set(command)
    assert (command[0] == "uvicorn" and not fixed) is holds


# --8<-- [end:perf-001]


# --8<-- [start:perf-002]
@pytest.mark.rule("PERF-002")
async def test_large_responses_are_compressed_small_ones_not() -> None:
    """The OpenAPI document is gzipped, and fast; a probe's 16 bytes are not."""
    settings = Settings(
        database_url=SecretStr(URL), jwt_secret=SecretStr("x" * 32), docs_enabled=True
    )
    async with app_client(create_app(settings)) as client:
        async with client.stream("GET", "/openapi.json") as large:
            sent = b"".join([chunk async for chunk in large.aiter_raw()])
        small = await client.get("/healthz")

    assert large.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in small.headers
    # Not zlib's slowest level 9 (Starlette's default): ~4 % smaller on JSON,
    # for about seven times the CPU.
    assert len(sent) > len(gzip.compress(gzip.decompress(sent), compresslevel=9))


# --8<-- [end:perf-002]


Request = Callable[[], Awaitable[httpx.Response]]


async def service_list(client: httpx.AsyncClient, headers: dict[str, str]) -> Request:
    """Do: the service's list route, with two tasks stored first."""
    for title in ("a", "b"):
        await client.post("/api/v1/tasks", json={"title": title}, headers=headers)
    return lambda: client.get("/api/v1/tasks", headers=headers)


async def demo_list(client: httpx.AsyncClient, headers: dict[str, str]) -> Request:
    """Don't: the demo's route, its stand-in repository returning two rows."""
    app = FastAPI()
    app.include_router(perf_double_serialization.router)
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    )
    return lambda: other.get("/api/v1/tasks")


@pytest.fixture
def two_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        perf_double_serialization.TaskRead(
            id=n, title=str(n), created_at=datetime(2026, 1, 1, tzinfo=UTC)
        )
        for n in (1, 2)
    ]
    monkeypatch.setattr(perf_double_serialization, "load_tasks", lambda: rows)


# --8<-- [start:perf-003]
@pytest.mark.rule("PERF-003")
@pytest.mark.parametrize(
    ("list_tasks", "holds"),
    [(service_list, True), (demo_list, False)],
    ids=["do", "dont"],
)
@pytest.mark.usefixtures("two_rows")
async def test_a_page_is_never_parsed_back_before_it_is_sent(
    *,
    list_tasks: Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[Request]],
    holds: bool,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No row of the page is ever parsed back from JSON before it is sent."""
    send = await list_tasks(client, auth_headers)
    parsed: list[str] = []
    loads = json.loads

    def counting_loads(text: str | bytes, **kwargs: object) -> object:
        parsed.append(str(text))
        return loads(text)

    monkeypatch.setattr(json, "loads", counting_loads)
    response = await send()
    monkeypatch.undo()

    assert len(response.json()["items"]) == 2
    assert (not [text for text in parsed if '"title"' in text]) is holds


# --8<-- [end:perf-003]


async def service_read(
    client: httpx.AsyncClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Request:
    """Do: the service's task route, one task stored first."""
    created = await client.post("/api/v1/tasks", json={"title": "a"}, headers=headers)
    url = f"/api/v1/tasks/{created.json()['id']}"
    return lambda: client.get(url, headers=headers)


async def demo_read(
    client: httpx.AsyncClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Request:
    """Don't: the demo's route, its stand-in loader returning one task."""
    task = perf_etag_dumps_twice.TaskRead(
        id=1, title="a", created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    monkeypatch.setattr(perf_etag_dumps_twice, "load_task", lambda _: task)
    app = FastAPI()
    app.include_router(perf_etag_dumps_twice.router)
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    )
    return lambda: other.get("/api/v1/tasks/1")


# --8<-- [start:perf-003-once]
@pytest.mark.rule("PERF-003")
@pytest.mark.parametrize(
    ("read", "holds"), [(service_read, True), (demo_read, False)], ids=["do", "dont"]
)
async def test_a_tagged_read_is_dumped_once_and_tagged_by_its_bytes(
    *,
    read: Callable[..., Awaitable[Request]],
    holds: bool,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every Pydantic JSON dump is counted: a model's and FastAPI's TypeAdapter's."""
    send = await read(client, auth_headers, monkeypatch)
    with counted_dumps() as dumps:
        response = await send()

    digest = hashlib.sha256(response.content).hexdigest()[:32]
    tagged_by_its_bytes = response.headers["ETag"] == f'"{digest}"'
    assert response.status_code == 200
    assert (len(dumps) == 1 and tagged_by_its_bytes) is holds, dumps


# --8<-- [end:perf-003-once]


def service_engine() -> AsyncEngine:
    """Do: the engine the lifespan builds, with the default settings' sizes."""
    settings = Settings(database_url=SecretStr(URL), jwt_secret=SecretStr("x" * 32))
    engine, _ = create_engine_and_sessionmaker(
        URL,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        timeouts=Timeouts.of(settings),
    )
    return engine


def demo_engine() -> AsyncEngine:
    return perf_unbounded_pool.make_engine(URL)


# --8<-- [start:perf-004]
@pytest.mark.rule("PERF-004")
@pytest.mark.parametrize(
    ("make_engine", "holds"),
    [(service_engine, True), (demo_engine, False)],
    ids=["do", "dont"],
)
async def test_the_pool_is_bounded_and_fails_fast(
    *, make_engine: Callable[[], AsyncEngine], holds: bool
) -> None:
    """At most 50 connections per process, a wait of seconds, none kept for ever."""
    engine = make_engine()
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    ceiling = pool.size() + pool._max_overflow  # no public getters
    bounded = pool._max_overflow >= 0 and ceiling <= 50
    fails_fast = pool.timeout() <= 10
    renewed = 0 < pool._recycle <= 300  # below the idle timeouts on the way
    assert (bounded and fails_fast and renewed) is holds
    await engine.dispose()


# --8<-- [end:perf-004]
