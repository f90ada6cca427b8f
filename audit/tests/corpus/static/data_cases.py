from collections.abc import AsyncIterator

from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, declarative_base
from sqlalchemy.pool import NullPool

CONVENTION = {"ix": "%(column_0_label)s_idx", "pk": "%(table_name)s_pkey"}


class Base(DeclarativeBase):  # near: METADATA-NAMING
    metadata = MetaData(naming_convention=CONVENTION)  # near: METADATA-NAMING


class PlainBase(DeclarativeBase):  # expect: METADATA-NAMING
    pass


Legacy = declarative_base()  # expect: METADATA-NAMING
loose = MetaData()  # expect: METADATA-NAMING
task = Table("task", MetaData(naming_convention=CONVENTION), Column("id", Integer, primary_key=True))


AN_HOUR = 3600


def engines(url: str, size: int, ping: bool) -> None:
    create_async_engine(url)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=100, max_overflow=-1, pool_timeout=300, pool_pre_ping=True)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_pre_ping=True)  # near: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=0, pool_timeout=2)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_pre_ping=False)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_recycle=-1)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_recycle=3600)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_pre_ping=None)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_recycle=True)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_recycle=AN_HOUR)  # expect: ENGINE-POOL
    create_async_engine(url, pool_size=size, max_overflow=5, pool_timeout=5, pool_pre_ping=ping)  # near: ENGINE-POOL
    create_async_engine(url, poolclass=NullPool)  # near: ENGINE-POOL


def queries(title: str, sort: str, table: str) -> list[object]:
    return [
        text(f"SELECT id FROM task WHERE title = '{title}'"),  # expect: SQL-STRING
        "SELECT id FROM task WHERE " + title,  # expect: SQL-STRING
        "DELETE FROM %s" % table,  # expect: SQL-STRING
        text("SELECT id FROM task WHERE title = :title").bindparams(title=title),  # near: SQL-STRING
        f"Selected {title} from the list",  # near: SQL-STRING
        select(task).order_by(text(sort)),  # expect: ORDER-BY-INPUT
        select(task).order_by(text("id")),  # near: ORDER-BY-INPUT
        select(task).order_by(task.c.id),  # near: ORDER-BY-INPUT
    ]


sessions = async_sessionmaker(create_async_engine("postgresql+asyncpg://db/app", pool_size=5, max_overflow=5, pool_timeout=5, pool_pre_ping=True))


async def get_session() -> AsyncIterator[AsyncSession]:  # near: SESSION-DEPENDENCY-WITHOUT-COMMIT
    async with sessions() as session:
        try:
            yield session
            await session.commit()  # near: COMMIT-OUTSIDE-SESSION-DEPENDENCY
        except BaseException:
            await session.rollback()
            raise


async def get_db() -> AsyncIterator[AsyncSession]:  # expect: SESSION-DEPENDENCY-WITHOUT-COMMIT
    async with sessions() as session:
        yield session
