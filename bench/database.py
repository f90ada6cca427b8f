"""A real PostgreSQL for the service benchmarks: the `pgserver` wheel, migrated and seeded."""

import asyncio
import logging
import os
import secrets
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from alembic import command
from alembic.config import Config
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench.common import SNIPPETS

TASK_COUNT = 200
DATABASE = "bench"
PASSWORD = "Load-test-passphrase-1"  # noqa: S105  # a throwaway account in a throwaway database
API = "/api/v1"


@dataclass(frozen=True)
class Seeded:
    """What the load needs: a signed-in user and the IDs of their tasks."""

    token: str
    task_ids: list[str]
    email: str
    password: str


def service_environment(database_url: str) -> dict[str, str]:
    """The variables the service reads (app.core.config.Settings), fixed for the benchmark."""
    return {
        "DATABASE_URL": database_url,
        "JWT_SECRET": secrets.token_urlsafe(48),
        "ENVIRONMENT": "prod",
        "LOG_LEVEL": "INFO",  # the access line per request is part of the cost
        # Access tokens live 15 minutes at most (SEC-002): each section signs in
        # anew (`fresh_token`) rather than reuse the seed's token.
    }


@contextmanager
def embedded_postgres() -> Iterator[str]:
    """Start a throwaway PostgreSQL, create and migrate one database, yield its asyncpg URL."""
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server  # noqa: PLC0415  # dev dependency

    logging.getLogger("pgserver").setLevel(logging.WARNING)  # it narrates every step
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as directory:
        # As root, pgserver runs the server as its own system user.
        server = get_server(Path(directory) / "pgdata", cleanup_mode="stop")
        try:
            server_url = make_url(server.get_uri()).set(drivername="postgresql+asyncpg")
            asyncio.run(_create_database(server_url.render_as_string(hide_password=False)))
            url = server_url.set(database=DATABASE).render_as_string(hide_password=False)
            _migrate(url)
            yield url
        finally:
            server.cleanup()


async def _create_database(server_url: str) -> None:
    # CREATE DATABASE refuses to run inside a transaction.
    engine = create_async_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    finally:
        await engine.dispose()


def _migrate(url: str) -> None:
    """`alembic upgrade head`, exactly as the service is deployed (env.py reads DATABASE_URL)."""
    config = Config(str(SNIPPETS / "alembic.ini"))
    config.attributes["configure_logger"] = False
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        command.upgrade(config, "head")
    finally:
        if previous is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = previous


def _expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise SystemExit(
            f"bench: {response.request.method} {response.request.url.path} answered "
            f"{response.status_code}, expected {status}: {response.text[:500]}"
        )
    return response


async def seed(app: FastAPI, count: int = TASK_COUNT) -> Seeded:
    """Register one user and create `count` tasks through the public API, in process."""
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            email = f"bench-{secrets.token_hex(4)}@example.com"
            user = {"email": email, "display_name": "Bench", "password": PASSWORD}
            _expect(await client.post(f"{API}/users", json=user), 202)
            form = {"username": email, "password": PASSWORD}
            tokens = _expect(await client.post(f"{API}/auth/token", data=form), 200).json()
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            ids = []
            for number in range(count):
                task = {"title": f"Task {number:03d}", "description": "Seeded for the benchmark."}
                # A key per create, in case the service requires one (idempotent POST).
                keyed = headers | {"Idempotency-Key": str(uuid.uuid4())}
                created = await client.post(f"{API}/tasks", json=task, headers=keyed)
                ids.append(str(_expect(created, 201).json()["id"]))
    return Seeded(token=str(tokens["access_token"]), task_ids=ids, email=email, password=PASSWORD)


async def bulk_user(base_url: str, database_url: str, email: str, rows: int) -> Seeded:
    """A user registered through the server at `base_url`, with `rows` tasks written straight
    into the database (through the API, 20 000 creates would take minutes)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        user = {"email": email, "display_name": "Bulk", "password": PASSWORD}
        _expect(await client.post(f"{API}/users", json=user), 202)
        form = {"username": email, "password": PASSWORD}
        token = _expect(await client.post(f"{API}/auth/token", data=form), 200).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        me = _expect(await client.get(f"{API}/users/me", headers=headers), 200).json()
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.begin() as connection:
        inserted = await connection.execute(
            text(
                "INSERT INTO task (owner_id, title, description) SELECT CAST(:owner AS uuid), "
                "'task ' || n, repeat('x', 200) FROM generate_series(1, :rows) AS n "
                "RETURNING CAST(id AS text)"
            ),
            {"owner": me["id"], "rows": rows},
        )
        ids = list(inserted.scalars())
    await engine.dispose()
    return Seeded(token=str(token["access_token"]), task_ids=ids, email=email, password=PASSWORD)


async def server_version(url: str) -> str:
    """The PostgreSQL server's version, for the machine description."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return str(await connection.scalar(text("SHOW server_version")))
    finally:
        await engine.dispose()


def fresh_token(base_url: str, seeded: Seeded) -> str:
    """A new access token of the seeded user, from the server at `base_url`."""
    form = {"username": seeded.email, "password": seeded.password}
    response = httpx.post(f"{base_url}{API}/auth/token", data=form, timeout=30)
    return str(_expect(response, 200).json()["access_token"])
