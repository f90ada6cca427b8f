"""SQLAlchemy plumbing: metadata naming, the engine and the session per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from app.core.exceptions import DatabaseUnavailableError

# --8<-- [start:naming-convention]
# PostgreSQL's own default names, so migrations and `\d` output agree and every
# constraint can be dropped by a predictable name.
POSTGRES_NAMING_CONVENTION = {
    "ix": "%(column_0_label)s_idx",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
# --8<-- [end:naming-convention]


# --8<-- [start:base]
class Base(DeclarativeBase):
    """Every ORM model inherits the naming convention through this metadata."""

    metadata = MetaData(naming_convention=POSTGRES_NAMING_CONVENTION)


# --8<-- [end:base]


# --8<-- [start:engine]
def create_engine_and_sessionmaker(
    url: str, *, pool_size: int = 5, max_overflow: int = 5
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """One engine per process: created in the lifespan, disposed at shutdown."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,  # connections kept open
        max_overflow=max_overflow,  # extra ones under bursts, closed after
        pool_timeout=5,  # fail fast instead of queueing forever
        pool_pre_ping=True,  # survive database restarts and idle timeouts
        connect_args={"server_settings": {"timezone": "UTC"}},
    )
    # expire_on_commit=False: the response is serialized after the commit,
    # and an expired attribute would trigger lazy I/O there.
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return engine, sessions


# --8<-- [end:engine]


def is_connection_lost(exc: BaseException) -> bool:
    """A database that cannot be reached, as opposed to a query that failed."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc, InterfaceError)
    return isinstance(exc, OSError)  # refused, reset, socket file missing


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
        except BaseException as exc:
            await session.rollback()
            if is_connection_lost(exc):  # a 503 the client may retry, not a 500
                raise DatabaseUnavailableError(headers={"Retry-After": "5"}) from exc
            raise


# scope="function": commit before the response is sent, so a failed commit
# becomes a 500 instead of a 201 for data that was never stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
# --8<-- [end:session-dependency]
