"""Anti-pattern: a session dependency that never commits or rolls back."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

session_factory = async_sessionmaker(class_=AsyncSession)  # bound to an engine later


# --8<-- [start:demo]
async def get_db() -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        # No commit: every write of the request is silently rolled back on close,
        # unless each route remembers to commit, which some will not.
        yield session


# --8<-- [end:demo]
