"""A database that stops answering mid-conversation: requests end, none hangs.

PostgreSQL's own timeouts (statement, lock) need a server that still runs and a
network that still carries its answer. A frozen host, a failover that leaves the
old address silent or a firewall that drops packets answer nothing at all, and
TCP alone waits about fifteen minutes before it gives up on a connection.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import bearer, sign_up

TASKS = "/api/v1/tasks"
# Far above what the service may take (a 1 s statement timeout here): reaching
# it means the request would have waited on the silent socket for ever.
HANG = 30.0


class SilentNetwork:
    """A loopback TCP relay to PostgreSQL that can go silent: `stall()` stops
    every byte both ways and keeps every connection open, as a frozen host does."""

    def __init__(self, database_url: str) -> None:
        self._target = make_url(database_url)
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: asyncio.Server | None = None
        self._relays: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        """Listen on a free loopback port; the URL to reach the database through it."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        relayed = self._target.set(host="127.0.0.1", port=port, query={})
        return relayed.render_as_string(hide_password=False)

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for relay in self._relays:
            relay.cancel()
        await asyncio.gather(*self._relays, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _open_upstream(
        self,
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        socket_dir = self._target.query.get("host")
        port = self._target.port or 5432
        if isinstance(socket_dir, str) and socket_dir.startswith("/"):
            return await asyncio.open_unix_connection(f"{socket_dir}/.s.PGSQL.{port}")
        return await asyncio.open_connection(self._target.host, port)

    async def _relay(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        relay = asyncio.current_task()
        assert relay is not None
        self._relays.add(relay)
        upstream_reader, upstream_writer = await self._open_upstream()
        try:
            await asyncio.gather(
                self._pipe(client_reader, upstream_writer),
                self._pipe(upstream_reader, client_writer),
                return_exceptions=True,
            )
        finally:
            self._relays.discard(relay)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while data := await reader.read(65_536):
                await self._flowing.wait()  # silent: held here, never dropped
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def network(database_url: str) -> AsyncIterator[SilentNetwork]:
    relay = SilentNetwork(database_url)
    yield relay
    await relay.close()


async def test_a_silent_database_answers_503_and_the_service_recovers(
    settings: Settings, network: SilentNetwork
) -> None:
    """The query gives up on its own clock (a 503 to retry), the stuck connection
    is thrown away, and once the database answers again so does the service."""
    relayed = await network.start()
    app = create_app(
        settings.model_copy(
            update={
                "database_url": SecretStr(relayed),
                "db_statement_timeout": timedelta(seconds=1),
            }
        )
    )
    async with app_client(app) as client:
        headers = bearer(await sign_up(client))
        assert (await client.get(TASKS, headers=headers)).status_code == 200

        network.stall()
        try:
            async with asyncio.timeout(HANG):
                silent = await client.get(TASKS, headers=headers)
                not_ready = await client.get("/readyz")
        except TimeoutError:
            pytest.fail(f"a request waited {HANG} s on a silent database")
        network.resume()
        healed = await client.get(TASKS, headers=headers)
        held = app.state.engine.pool.checkedout()

    assert silent.status_code == 503, silent.text
    assert silent.headers["content-type"] == "application/problem+json"
    assert silent.json()["code"] == "database-unavailable"
    assert "retry-after" in silent.headers
    assert not_ready.status_code == 503, not_ready.text
    assert healed.status_code == 200, healed.text
    assert held == 0  # the stuck connection went back or was thrown away
