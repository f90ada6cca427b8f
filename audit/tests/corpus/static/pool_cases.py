"""Engines that renew connections: a checkout listener in the module makes recycling enough."""

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

RECYCLE_SECONDS = 200


def drop_closed(dbapi_connection: object, record: object, proxy: object) -> None:
    """Raise DisconnectionError for a connection the server closed."""


def make_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=10, max_overflow=0, pool_timeout=2, pool_recycle=RECYCLE_SECONDS)  # near: ENGINE-POOL
    event.listen(engine.sync_engine, identifier="checkout", fn=drop_closed)
    create_async_engine(url, pool_size=10, max_overflow=0, pool_timeout=2, pool_recycle=900)  # expect: ENGINE-POOL
    return engine
