"""SQLAlchemy plumbing: metadata naming, the engine and the session per request."""

import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, PoolProxiedConnection

from app.core.config import DatabaseSettings
from app.core.exceptions import DatabaseBusyError, DatabaseUnavailableError

# --8<-- [start:naming-convention]
# PostgreSQL's own default names, so migrations and `\d` output agree and every
# constraint can be dropped by a predictable name.
POSTGRES_NAMING_CONVENTION = {
    # column_0_N_name: every column, joined by "_", as PostgreSQL names them.
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
# --8<-- [end:naming-convention]


# --8<-- [start:base]
class Base(DeclarativeBase):
    """Every ORM model inherits the naming convention through this metadata."""

    metadata = MetaData(naming_convention=POSTGRES_NAMING_CONVENTION)


# --8<-- [end:base]


# --8<-- [start:engine]
@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long anything may wait on the database; every wait has an end."""

    pool: float  # seconds for a free pooled connection, then a 503
    statement: timedelta  # one query, server-side
    lock: timedelta  # waiting for a row or table lock
    idle_in_transaction: timedelta  # a transaction a stalled client left open
    # Seconds to open one (asyncpg waits 60 by default): a pool opens them
    # inside requests, after a recycle or a restart.
    connect: float = 3.0

    @classmethod
    def of(cls, settings: DatabaseSettings) -> "Timeouts":
        """The timeouts the settings give (DB_POOL_TIMEOUT_SECONDS, ...)."""
        return cls(
            pool=settings.db_pool_timeout_seconds,
            statement=settings.db_statement_timeout,
            lock=settings.db_lock_timeout,
            idle_in_transaction=settings.db_idle_in_transaction_timeout,
        )


def _milliseconds(value: timedelta) -> str:
    return str(int(value.total_seconds() * 1000))


# Older connections are replaced at checkout (a new PostgreSQL session each,
# so with 10 kept, one about every 20 s per process): below the idle timeouts
# of the firewalls and load balancers on the way (4 minutes on some clouds),
# which drop a connection without telling either end.
POOL_RECYCLE_SECONDS = 200


def _replace_if_closed(
    _dbapi_connection: DBAPIConnection,
    record: ConnectionPoolEntry,
    _proxy: PoolProxiedConnection,
) -> None:
    # A restart or failover closes every session: asyncpg has seen the socket
    # close, so asking it costs no round trip (a pre-ping costs three per
    # checkout: BEGIN, `;`, ROLLBACK). The pool then connects afresh.
    if record.driver_connection is None or record.driver_connection.is_closed():
        raise DisconnectionError("closed by the server")


# --8<-- [start:engine-factory]
def create_engine_and_sessionmaker(
    url: str,
    *,
    pool_size: int,
    max_overflow: int,
    timeouts: Timeouts,
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """One engine per process: created in the lifespan, disposed at shutdown;
    its pool holds as many connections as the process runs queries at once."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,  # kept open: one per request in the database at once
        max_overflow=max_overflow,  # opened for a burst and closed after it
        pool_timeout=timeouts.pool,  # fail fast (a 503) instead of queueing on
        pool_recycle=POOL_RECYCLE_SECONDS,
        # Set per connection at connect time: PostgreSQL itself cancels a
        # statement or a lock wait that runs too long, whatever the client does.
        connect_args={
            "timeout": timeouts.connect,
            # The client's own clock, a second after the server's: a database
            # that answers nothing (a frozen host, a silent network) cannot
            # run statement_timeout, and TCP waits some fifteen minutes.
            "command_timeout": timeouts.statement.total_seconds() + 1,
            "server_settings": {
                "timezone": "UTC",
                # The server sends TCP keepalives on an idle session, so the
                # firewalls on the way keep it open; the recycle age is the
                # backstop where they do not (ignored on a Unix socket).
                "tcp_keepalives_idle": "60",
                "tcp_keepalives_interval": "10",
                "statement_timeout": _milliseconds(timeouts.statement),
                "lock_timeout": _milliseconds(timeouts.lock),
                "idle_in_transaction_session_timeout": _milliseconds(
                    timeouts.idle_in_transaction
                ),
            },
        },
    )
    event.listen(engine.sync_engine, "checkout", _replace_if_closed)
    # expire_on_commit=False: the response is serialized after the commit,
    # and an expired attribute would trigger lazy I/O there.
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return engine, sessions
    # --8<-- [end:engine-factory]


# --8<-- [end:engine]


# PostgreSQL ended a wait for us: statement_timeout (57014) or lock_timeout
# (55P03). The database is busy or contended: a 503 to retry, not a 500.
_WAIT_ENDED = frozenset({"57014", "55P03"})


def is_wait_ended(exc: BaseException) -> bool:
    """A statement or lock wait that the server's own timeout cancelled."""
    return isinstance(exc, DBAPIError) and (
        getattr(exc.orig, "sqlstate", None) in _WAIT_ENDED
    )


def is_connection_lost(exc: BaseException) -> bool:
    """A database that cannot be reached, as opposed to a query that failed."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc, InterfaceError)
    return isinstance(exc, OSError)  # refused, reset, socket file missing


def _raised_in(exc: BaseException, package: str) -> bool:
    return any(
        frame.f_globals.get("__name__", "").startswith(package)
        for frame, _ in traceback.walk_tb(exc.__traceback__)
    )


def _the_databases(exc: OSError) -> bool:
    # asyncpg raises the socket's OSError on connect, and TimeoutError when its
    # command_timeout ends a wait, both unwrapped: only those that came up
    # through the pool or asyncpg are the database's, not another client's.
    return _raised_in(exc, "sqlalchemy.pool") or (
        isinstance(exc, TimeoutError) and _raised_in(exc, "asyncpg.")
    )


def database_problem(exc: BaseException) -> DatabaseUnavailableError | None:
    """The 503 a database failure answers, wherever its query ran; None: a bug."""
    if isinstance(exc, OSError) and not _the_databases(exc):
        return None
    if is_connection_lost(exc):  # a 503 the client may retry, not a 500
        return DatabaseUnavailableError(headers={"Retry-After": "5"})
    if is_wait_ended(exc):
        return DatabaseBusyError()
    return None


async def get_session_factory(request: Request) -> async_sessionmaker[AsyncSession]:
    """The app's session factory, for work that outlives the request's session."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


SessionFactoryDep = Annotated[
    async_sessionmaker[AsyncSession], Depends(get_session_factory)
]


# --8<-- [start:session-dependency]
async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, roll back on error."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            # A lost connection or a cancelled wait (here or in any other
            # transaction) becomes its 503 in one handler: database_problem.
            await session.rollback()
            raise


# scope="function": commit before the response is sent, so a failed commit
# becomes a 500 instead of a 201 for data that was never stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
# --8<-- [end:session-dependency]


def create_probe_engine(url: str) -> AsyncEngine:
    """A pool-less engine for the readiness probe: one short connection a probe."""
    return create_async_engine(
        url,
        poolclass=NullPool,  # never waits behind the API's busy pool
        connect_args={
            "timeout": 1,  # seconds to connect
            "server_settings": {"statement_timeout": "1000"},
        },
    )
