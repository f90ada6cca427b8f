"""A real PostgreSQL for the test run: a throwaway embedded server by default.

Set TEST_DATABASE_URL to use a server of your own instead (its user must be allowed
to create databases). Database tests never skip: without a server the run fails
and says how to fix it.
"""

import asyncio
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

# Imported from `models`, so every table is registered on the metadata.
from app.infra.db.models import Base

SNIPPETS_DIR = Path(__file__).resolve().parents[2]
ALEMBIC_INI = SNIPPETS_DIR / "alembic.ini"
HOW_TO_FIX = (
    "Install the dev dependencies (`pip install --group dev`; they bring the "
    "embedded PostgreSQL of the `pgserver` package), or set TEST_DATABASE_URL to "
    "a PostgreSQL server whose user may create databases, e.g. "
    "TEST_DATABASE_URL=postgresql://postgres:postgres@localhost:5432/postgres"
)
CONNECT_TIMEOUT_SECONDS = 10
_SERVER_DESCRIPTION = pytest.StashKey[str]()
T = TypeVar("T")


def _in_fresh_thread(function: Callable[[], T]) -> T:
    # asyncio.run() in migrations/env.py refuses to start inside a running
    # event loop; a thread of its own works from any test.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


_helper_loop: asyncio.AbstractEventLoop | None = None


def _run(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the plugin's own statements on one loop, on one thread, for the whole run.

    From any test, async or not. A thread per call (about 700 a run, one per test's
    truncate) left SQLAlchemy's greenlets of each dead thread to be torn down from
    the main thread, and one run spun in that teardown for 16 minutes (greenlet
    3.5.6, `ThreadState_DestroyNoGIL`): a thread that lives as long as the run has
    nothing to tear down.
    """
    global _helper_loop  # noqa: PLW0603  # one loop per test process
    if _helper_loop is None:
        _helper_loop = asyncio.new_event_loop()
        threading.Thread(
            target=_helper_loop.run_forever, name="postgres-plugin", daemon=True
        ).start()
    return asyncio.run_coroutine_threadsafe(make_coroutine(), _helper_loop).result()


def asyncpg_url(url: str | URL) -> URL:
    """The same server and database, reached through the asyncpg driver."""
    return make_url(url).set(drivername="postgresql+asyncpg")


def render(url: URL) -> str:
    """The URL as a string the service accepts in DATABASE_URL."""
    return url.render_as_string(hide_password=False)


async def _execute(url: URL, *statements: str) -> None:
    engine = create_async_engine(
        url,
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",  # CREATE/DROP DATABASE refuse a transaction
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
    )
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def run_on_connection(database_url: str, function: Callable[[Connection], T]) -> T:
    """Run a sync function (an inspector, autogenerate) on a database connection."""

    async def call() -> T:
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(function)
        finally:
            await engine.dispose()

    return _run(call)


def create_database(server_url: str) -> str:
    """Create an empty database on the server and return its asyncpg URL."""
    admin_url = asyncpg_url(server_url)
    name = f"test_{secrets.token_hex(6)}"
    _run(lambda: _execute(admin_url, f'CREATE DATABASE "{name}"'))
    return render(admin_url.set(database=name))


def drop_database(server_url: str, database_url: str) -> None:
    """Drop a database made by create_database(), closing its open connections."""
    name = make_url(database_url).database
    statement = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    _run(lambda: _execute(asyncpg_url(server_url), statement))


@contextmanager
def _environment_variable(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


def alembic_config(database_url: str) -> Config:
    """The project's Alembic configuration, aimed at one database."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["configure_logger"] = False  # keep pytest's logging setup
    # "%" would start a ConfigParser interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _alembic(database_url: str, operation: Callable[[Config], None]) -> None:
    # migrations/env.py reads DATABASE_URL, exactly as in production.
    with _environment_variable("DATABASE_URL", database_url):
        _in_fresh_thread(lambda: operation(alembic_config(database_url)))


def upgrade(database_url: str, revision: str = "head") -> None:
    """Run `alembic upgrade` against the database."""
    _alembic(database_url, lambda config: command.upgrade(config, revision))


def downgrade(database_url: str, revision: str = "base") -> None:
    """Run `alembic downgrade` against the database."""
    _alembic(database_url, lambda config: command.downgrade(config, revision))


def truncate_all_tables(database_url: str) -> None:
    """Empty every table of the models, so the next test starts from nothing."""
    tables = [
        table
        for table in Base.metadata.sorted_tables
        if table.name != "alembic_version"
    ]
    if not tables:
        return

    async def truncate() -> None:
        engine = create_async_engine(database_url, poolclass=NullPool)
        quote = engine.dialect.identifier_preparer.format_table
        names = ", ".join(quote(table) for table in tables)
        try:
            async with engine.begin() as connection:
                # A test that leaks an open transaction fails here, never hangs.
                await connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                await connection.execute(
                    text(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                )
        finally:
            await engine.dispose()

    _run(truncate)


def _no_postgres(problem: str) -> NoReturn:
    # Called outside the `except` block, so the report is the advice alone.
    pytest.fail(f"{problem}\n{HOW_TO_FIX}", pytrace=False)


@contextmanager
def _one_start_at_a_time() -> Iterator[None]:
    """Under pytest-xdist, let one worker at a time start its embedded server, as root.

    As root, pgserver runs the server as its own system user, and creates that user if
    it is missing: two workers doing it at once on a fresh machine race, and the second
    `useradd` fails. Other users need no lock.
    """
    if os.name != "posix" or os.geteuid() != 0:
        yield
        return
    import fcntl  # noqa: PLC0415  # POSIX only, and the template also installs on Windows

    # In the environment's own folder, which root owns here, not in a /tmp anyone may
    # write to first.
    lock = Path(sys.prefix) / ".tasks-service-pgserver-start.lock"
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _embedded_server(config: pytest.Config) -> Iterator[str]:
    try:
        with warnings.catch_warnings():
            # platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI).
            warnings.simplefilter("ignore")
            from pgserver.postgres_server import get_server  # noqa: PLC0415  # optional
    except ImportError as exc:
        missing = f"No PostgreSQL for the tests: {exc}."
    else:
        missing = ""
    if missing:
        _no_postgres(missing)
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # it narrates every step
    with tempfile.TemporaryDirectory(prefix="tasks-service-pg-") as directory:
        started = time.perf_counter()
        try:
            with _one_start_at_a_time():
                server = get_server(Path(directory) / "pgdata", cleanup_mode="stop")
        # pgserver reports a failed start with asserts as well as exceptions.
        except (OSError, subprocess.SubprocessError, AssertionError) as exc:
            failure = f"The embedded PostgreSQL did not start: {exc!r}"
        else:
            failure = ""
        if failure:
            _no_postgres(failure)
        elapsed = time.perf_counter() - started
        config.stash[_SERVER_DESCRIPTION] = (
            f"embedded PostgreSQL (pgserver) started in {elapsed:.2f} s"
        )
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


def _check_reachable(server_url: str) -> None:
    try:
        _run(lambda: _execute(asyncpg_url(server_url), "SELECT 1"))
    except (OSError, SQLAlchemyError) as exc:
        failure = f"TEST_DATABASE_URL is not reachable: {exc!r}"
    else:
        return
    _no_postgres(failure)


@pytest.fixture(scope="session")
def postgres_server_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """URL of the server's maintenance database; tests create their own databases."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        _check_reachable(configured)
        pytestconfig.stash[_SERVER_DESCRIPTION] = "the server of TEST_DATABASE_URL"
        yield render(asyncpg_url(configured))
        return
    with _embedded_server(pytestconfig) as server_url:
        yield render(asyncpg_url(server_url))


@pytest.fixture(scope="session")
def database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh database migrated to head, shared by the run; emptied per test."""
    url = create_database(postgres_server_url)
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(postgres_server_url, url)


@pytest.fixture
def empty_database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh database without any migration, dropped after the test."""
    url = create_database(postgres_server_url)
    try:
        yield url
    finally:
        drop_database(postgres_server_url, url)


@pytest.fixture(autouse=True)
def _truncate_tables_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after each test that used `database_url`."""
    if "database_url" not in request.fixturenames:
        yield
        return
    url: str = request.getfixturevalue("database_url")
    yield
    truncate_all_tables(url)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Say which PostgreSQL the run used, and how long the embedded one took."""
    description = config.stash.get(_SERVER_DESCRIPTION, None)
    if description is not None:
        terminalreporter.write_line(f"postgres: {description}")
