"""Don't: a pool sized by hope, with no upper bound and no wait limit."""

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


# --8<-- [start:demo]
def make_engine(database_url: str) -> AsyncEngine:
    return create_async_engine(
        database_url,
        pool_size=100,  # per process: 8 workers x 3 pods = 2,400 connections
        max_overflow=-1,  # -1 means "no limit" when a burst arrives
        pool_timeout=300,  # a request waits 5 minutes for a connection
    )


# --8<-- [end:demo]
