from alembic import context
from sqlalchemy import create_engine


def run_migrations_online(url: str) -> None:
    engine = create_engine(url)  # near: ENGINE-POOL
    with engine.connect() as connection:
        context.configure(connection=connection)
