"""A failing export, or any failing stream, is a problem document with every header.

GZipMiddleware holds `http.response.start` until the first body chunk: the crash
handler inside it took the start as sent and gave up, so Starlette's outermost
handler answered a bare 500 (no request ID, no security headers, no CORS).
"""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import Settings
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import bearer, sign_up

ORIGIN = "https://app.example.com"
SENT = {"Origin": ORIGIN, "X-Request-ID": "probe-123", "Accept-Encoding": "gzip"}
SAME = (
    *("x-content-type-options", "strict-transport-security", "x-frame-options"),
    *("access-control-allow-origin", "access-control-expose-headers"),
)


def assert_problem_with_every_header(
    response: httpx.Response, ok: httpx.Response, status: int
) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers.get("x-request-id") == "probe-123"
    for name in SAME:
        assert response.headers.get(name) == ok.headers[name], name


@pytest.fixture
def cors_app(settings: Settings) -> FastAPI:
    changes = {"cors_origins": [ORIGIN], "db_lock_timeout": timedelta(seconds=0.2)}
    return create_app(settings.model_copy(update=changes))


async def test_a_stream_that_fails_before_its_first_byte_is_a_full_500(
    cors_app: FastAPI,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in ():  # an async generator that fails at its first step
            yield b"never"
        raise RuntimeError("password=hunter2 in a stack trace")

    @cors_app.get("/boom-stream")
    async def boom_stream() -> StreamingResponse:
        return StreamingResponse(chunks())

    async with app_client(cors_app, raise_app_exceptions=False) as client:
        ok = await client.get("/healthz", headers=SENT)
        crash = await client.get("/boom-stream", headers=SENT)

    assert_problem_with_every_header(crash, ok, 500)
    assert "hunter2" not in crash.text


@pytest.mark.parametrize(
    ("spoil", "status"),
    [
        # A row another writer stored that the schema cannot read back (a
        # currency the service does not know; ±infinity the database refuses).
        (
            "UPDATE task SET budget_amount = 1, budget_currency = 'XXX'",
            500,
        ),
        # The table is locked (a migration): the first batch waits, then gives up.
        ("LOCK TABLE task IN ACCESS EXCLUSIVE MODE", 503),
    ],
    ids=["unreadable-row", "locked-table"],
)
async def test_an_export_failing_before_its_first_byte_is_a_problem_document(
    cors_app: FastAPI, database_url: str, spoil: str, status: int
) -> None:
    observer = create_async_engine(database_url, poolclass=NullPool)
    async with app_client(cors_app, raise_app_exceptions=False) as client:
        headers = bearer(await sign_up(client)) | SENT
        await client.post("/api/v1/tasks", json={"title": "t"}, headers=headers)
        ok = await client.get("/api/v1/tasks", headers=headers)
        async with observer.connect() as other:
            await other.execute(text(spoil))
            if status == 500:  # the row must be stored to be read
                await other.commit()
            export = await client.get("/api/v1/tasks/export", headers=headers)
            await other.rollback()
    await observer.dispose()

    assert_problem_with_every_header(export, ok, status)
