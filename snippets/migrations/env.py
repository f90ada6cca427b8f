"""Alembic environment: async engine, URL from the service's settings."""

import asyncio
import logging.config

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import DatabaseSettings
from app.infra.db.models import Base

config = context.config
# Only the `alembic` command line sets up logging from alembic.ini; a program
# that runs migrations itself (the tests, a deploy script) keeps its own.
if config.config_file_name is not None and config.cmd_opts is not None:
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


# --8<-- [start:async-env]
def _database_url() -> str:
    # The same variable and validation as the service: one source of truth.
    settings = DatabaseSettings()  # reads DATABASE_URL
    return settings.database_url.get_secret_value()


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        # `alembic revision --autogenerate` sees CHECK constraints only with this.
        autogenerate_plugins=[
            "alembic.autogenerate.*",
            "alembic.ext.checkconstraint_byname",
        ],
        transaction_per_migration=True,  # a failed revision leaves the last good one
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    """Migrate through asyncpg, the driver the service itself uses."""
    engine = create_async_engine(_database_url(), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


# --8<-- [end:async-env]


def run_migrations_offline() -> None:
    """`alembic upgrade --sql`: write the SQL for a DBA instead of running it."""
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
