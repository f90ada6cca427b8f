"""The database pool under steady load, and after the server ends its sessions."""

import asyncio
import socket
import time
from contextlib import AbstractContextManager
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.core.config import DatabaseSettings, Settings
from app.infra.db.base import Timeouts, create_engine_and_sessionmaker
from tests.sql_recorder import recorded

TASKS = "/api/v1/tasks"
ROUNDS = 20


def new_connections(engine: AsyncEngine) -> AbstractContextManager[list[object]]:
    """Every PostgreSQL session the pool opens while the block runs."""
    return recorded(
        engine.sync_engine, "connect", lambda connection, _record: connection
    )


async def busy_rounds(
    client: httpx.AsyncClient, headers: dict[str, str], *, width: int, rounds: int
) -> set[int]:
    statuses = set()
    for _ in range(rounds):
        answers = await asyncio.gather(
            *(client.get(TASKS, headers=headers) for _ in range(width))
        )
        statuses |= {answer.status_code for answer in answers}
    return statuses


# --8<-- [start:no-churn]
@pytest.mark.rule("PERF-004")
async def test_steady_load_at_the_pools_size_opens_no_new_sessions(
    client: httpx.AsyncClient, auth_headers: dict[str, str], app: FastAPI
) -> None:
    """A pool sized to the worker's concurrency: no connect/close per burst.

    With overflow, every connection above `pool_size` is opened for a burst and
    closed when it is returned: a new PostgreSQL backend (a fork) per request.
    """
    settings: Settings = app.state.settings
    width = settings.db_pool_size + settings.db_max_overflow  # all a worker may use
    await busy_rounds(client, auth_headers, width=width, rounds=2)  # warm the pool

    with new_connections(app.state.engine) as opened:
        statuses = await busy_rounds(client, auth_headers, width=width, rounds=ROUNDS)

    assert statuses == {200}
    assert opened == [], f"{len(opened)} new sessions for {width * ROUNDS} requests"


# --8<-- [end:no-churn]


@pytest.mark.rule("PERF-004")
async def test_a_checkout_costs_no_round_trip(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No pre-ping: with asyncpg that is BEGIN, `;` and ROLLBACK per checkout."""
    engine: AsyncEngine = app.state.engine
    dialect = engine.sync_engine.dialect
    pings: list[DBAPIConnection] = []
    ping = dialect.do_ping

    def counted(dbapi_connection: DBAPIConnection) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    statuses = await busy_rounds(client, auth_headers, width=3, rounds=3)

    assert statuses == {200}
    assert pings == []


@pytest.mark.rule("PERF-004")
async def test_sessions_the_server_ended_are_replaced_without_an_error(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    app: FastAPI,
    database_url: str,
) -> None:
    """What a restart or failover does to a warm pool: not one request fails.

    `pg_terminate_backend(pid, 5000)` returns once each backend has exited, as
    after a restart. A session ended in the middle of a request fails that one
    request (a 503 with Retry-After), ping or no ping.
    """
    settings: Settings = app.state.settings
    width = settings.db_pool_size
    await busy_rounds(client, auth_headers, width=width, rounds=2)
    admin = create_async_engine(database_url)
    try:
        async with admin.connect() as connection:
            ended = await connection.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid, 5000)) "
                    "FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'"
                )
            )
    finally:
        await admin.dispose()

    statuses = await busy_rounds(client, auth_headers, width=width, rounds=3)

    assert ended, "no pooled session was ended: the test proves nothing"
    assert statuses == {200}


async def test_a_server_that_never_answers_costs_a_timeout_not_a_minute() -> None:
    """A connection is opened inside a request (a recycled one, a restart): a
    host that accepts TCP and never answers must not hold it for asyncpg's
    default of 60 s. A listener that never reads stands in for it, on loopback."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url = f"postgresql+asyncpg://u:p@127.0.0.1:{port}/none"
        engine, _ = create_engine_and_sessionmaker(
            url,
            pool_size=1,
            max_overflow=0,
            timeouts=replace(
                Timeouts.of(DatabaseSettings(database_url=SecretStr(url))), connect=0.5
            ),
        )
        started = time.perf_counter()
        try:
            with pytest.raises(TimeoutError):
                async with engine.connect():
                    pass
        finally:
            await engine.dispose()
        waited = time.perf_counter() - started

    assert waited < 10, f"waited {waited:.1f} s for a connection"
