"""PostgreSQL stops mid-run: /readyz fails fast, and the service heals by itself.

The test starts its own embedded PostgreSQL (pgserver) so it can stop and start
it with pg_ctl without disturbing the server every other test shares.
"""

import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import bearer, sign_up
from tests.plugins.postgres import (
    asyncpg_url,
    create_database,
    render,
    upgrade,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR is unset in CI
    from pgserver.postgres_server import PostgresServer, get_server

PG_CTL = Path(get_server.__code__.co_filename).parent / "pginstall" / "bin" / "pg_ctl"
RECOVERY_DEADLINE_SECONDS = 15


def pg_ctl(server: PostgresServer, *args: str) -> None:
    """Run pg_ctl on the server's data directory, as the user that owns it."""
    subprocess.run(  # noqa: S603  # the bundled binary, fixed arguments
        [str(PG_CTL), "-D", str(server.pgdata), "-w", *args],
        user=server.system_user,
        check=True,
        capture_output=True,
        timeout=30,
    )


@pytest.fixture
def own_postgres() -> Iterator[tuple[PostgresServer, str]]:
    """A private PostgreSQL and the URL of a migrated database on it."""
    with tempfile.TemporaryDirectory(prefix="tasks-outage-pg-") as directory:
        server = get_server(Path(directory) / "pgdata", cleanup_mode="stop")
        try:
            database_url = create_database(render(asyncpg_url(server.get_uri())))
            upgrade(database_url)
            yield server, database_url
        finally:
            server.cleanup()


def start(server: PostgresServer, socket_dir: str) -> None:
    """Start it again on the same socket, as pgserver first did."""
    options = ["-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(server.log)]
    pg_ctl(server, *options, "start")


async def test_readyz_is_a_fast_503_and_the_service_recovers(
    own_postgres: tuple[PostgresServer, str], settings: Settings
) -> None:
    """Down: 503 within 2 s, writes 503 too. Back: ready, and nothing lost."""
    server, database_url = own_postgres
    socket_dir = str(make_url(database_url).query["host"])
    app = create_app(
        settings.model_copy(update={"database_url": SecretStr(database_url)})
    )
    async with app_client(app) as client:
        headers = bearer(await sign_up(client))
        task = await client.post(
            "/api/v1/tasks", json={"title": "kept"}, headers=headers
        )
        assert (await client.get("/readyz")).status_code == 200

        pg_ctl(server, "-m", "fast", "stop")
        started = time.perf_counter()
        down = await client.get("/readyz")
        latency = time.perf_counter() - started
        write = await client.post("/api/v1/tasks", json={"title": "x"}, headers=headers)
        live = await client.get("/healthz")

        start(server, socket_dir)
        restarted = time.perf_counter()
        ready = await client.get("/readyz")
        while ready.status_code != 200:
            assert time.perf_counter() - restarted < RECOVERY_DEADLINE_SECONDS
            ready = await client.get("/readyz")
        recovery = time.perf_counter() - restarted
        kept = await client.get(f"/api/v1/tasks/{task.json()['id']}", headers=headers)
        after = await client.post(
            "/api/v1/tasks", json={"title": "new"}, headers=headers
        )

    assert down.status_code == 503, down.text
    assert down.json()["code"] == "database-unavailable"
    assert latency < 2
    assert write.status_code == 503, write.text
    assert write.headers["retry-after"] == "5"
    assert live.status_code == 200  # liveness never depends on the database
    assert kept.json() == task.json()  # nothing lost
    assert after.status_code == 201, after.text
    report = f"outage: /readyz 503 in {latency:.3f} s, ready {recovery:.3f} s later"
    print(report)  # noqa: T201  # shown with pytest -s
