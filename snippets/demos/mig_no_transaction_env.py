"""Don't: an Alembic env.py that runs migrations on an autocommit connection."""

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import DatabaseSettings
from app.infra.db.models import Base


# --8<-- [start:demo]
def run_migrations(connection: Connection) -> None:
    # AUTOCOMMIT: every statement commits on its own. A revision that fails
    # half-way leaves tables that no revision describes, alembic_version still
    # names the one before, and the retry fails on "already exists".
    context.configure(
        connection=connection.execution_options(isolation_level="AUTOCOMMIT"),
        target_metadata=Base.metadata,
    )
    context.run_migrations()


# --8<-- [end:demo]


async def main() -> None:
    url = DatabaseSettings().database_url.get_secret_value()
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


if __name__ == "__main__":  # run as an Alembic env.py
    asyncio.run(main())
