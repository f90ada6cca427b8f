"""SQLAlchemy plumbing: metadata naming, the engine and the session per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

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


# --8<-- [start:session-dependency]
async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, roll back on error."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# scope="function": commit before the response is sent, so a failed commit
# becomes a 500 instead of a 201 for data that was never stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
# --8<-- [end:session-dependency]
