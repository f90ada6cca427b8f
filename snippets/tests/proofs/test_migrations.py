"""Proofs of the Migrations rules, on the example's Alembic set-up and PostgreSQL."""

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from fastapi import FastAPI
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError

from demos import (
    mig_expand_step,
    mig_feature_flag,
    mig_no_transaction_env,
    mig_rename_in_place,
)
from tests.plugins.postgres import alembic_config, run_on_connection

FIRST = '''"""The first revision: it works."""
import sqlalchemy as sa
from alembic import op

revision = "proof1"
down_revision = None


def upgrade() -> None:
    op.create_table("proof_first", sa.Column("id", sa.Integer, primary_key=True))
'''
SECOND = '''"""The second revision: a table, then a statement that fails."""
import sqlalchemy as sa
from alembic import op

revision = "proof2"
down_revision = "proof1"


def upgrade() -> None:
    op.create_table("proof_second", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("SELECT 1 / 0")
'''


def revisions(tmp_path: Path) -> Path:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "proof1_first.py").write_text(FIRST)
    (versions / "proof2_fails.py").write_text(SECOND)
    return versions


def service_env(tmp_path: Path) -> str | None:
    """Do: the example's migrations/env.py (None keeps alembic.ini's location)."""
    return None


def autocommit_env(tmp_path: Path) -> str | None:
    """Don't: an env.py that runs the demo's autocommit migrations."""
    script = tmp_path / "autocommit"
    script.mkdir()
    demo = Path(mig_no_transaction_env.__file__).resolve()
    env = f"import runpy\nrunpy.run_path({str(demo)!r}, run_name='__main__')\n"
    (script / "env.py").write_text(env)
    return str(script)


def tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


# --8<-- [start:mig-002]
@pytest.mark.rule("MIG-002")
@pytest.mark.parametrize(
    ("environment", "holds"),
    [(service_env, True), (autocommit_env, False)],
    ids=["do", "dont"],
)
def test_a_failing_revision_leaves_nothing_behind(
    *,
    environment: Callable[[Path], str | None],
    holds: bool,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Revision 2 creates a table, then fails: its table must not survive."""
    config = alembic_config(empty_database_url)
    config.set_main_option("version_locations", str(revisions(tmp_path)))
    if (location := environment(tmp_path)) is not None:
        config.set_main_option("script_location", location)
    monkeypatch.setenv("DATABASE_URL", empty_database_url)  # what env.py reads

    with pytest.raises(DBAPIError, match="division by zero"):
        command.upgrade(config, "head")

    left = run_on_connection(empty_database_url, tables)
    assert ("proof_second" not in left) is holds


# --8<-- [end:mig-002]


def old_release_still_reads(
    upgrade: Callable[[], None],
) -> Callable[[Connection], bool]:
    """Apply a migration, then run the previous release's query on the table."""

    def check(connection: Connection) -> bool:
        connection.execute(
            text("CREATE TABLE tasks (id serial PRIMARY KEY, name varchar(200))")
        )
        connection.execute(text("INSERT INTO tasks (name) VALUES ('Write the spec')"))
        connection.commit()  # the table of the previous release exists
        context = MigrationContext.configure(connection)
        with Operations.context(context), context.begin_transaction():
            upgrade()
        try:
            connection.execute(text("SELECT id, name FROM tasks"))
        except DBAPIError:
            return False
        return True

    return check


# --8<-- [start:mig-003]
@pytest.mark.rule("MIG-003")
@pytest.mark.parametrize(
    ("upgrade", "holds"),
    [(mig_expand_step.upgrade, True), (mig_rename_in_place.upgrade, False)],
    ids=["do", "dont"],
)
def test_the_previous_release_keeps_working_after_the_migration(
    *, upgrade: Callable[[], None], holds: bool, empty_database_url: str
) -> None:
    """After the migration, the old pods' `SELECT name` still succeeds."""
    works = run_on_connection(empty_database_url, old_release_still_reads(upgrade))
    assert works is holds


# --8<-- [end:mig-003]


def test_the_expand_step_also_reverts(empty_database_url: str) -> None:
    """Its downgrade drops the concurrent index outside a transaction, as
    PostgreSQL requires, and leaves the previous release's table."""

    def up_and_down(connection: Connection) -> list[str]:
        connection.execute(
            text("CREATE TABLE tasks (id serial PRIMARY KEY, name varchar(200))")
        )
        connection.commit()
        context = MigrationContext.configure(connection)
        with Operations.context(context):
            with context.begin_transaction():
                mig_expand_step.upgrade()
            with context.begin_transaction():
                mig_expand_step.downgrade()
        found = connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'tasks'"
            )
        )
        return sorted(found.scalars())

    assert run_on_connection(empty_database_url, up_and_down) == ["id", "name"]


async def list_with_flag(monkeypatch: pytest.MonkeyPatch, value: str) -> list[str]:
    """The route's answer after a restart with FEATURE_SMART_SORT=value."""
    monkeypatch.setenv("FEATURE_SMART_SORT", value)
    mig_feature_flag.get_settings.cache_clear()  # what a restart does
    app = FastAPI()
    app.include_router(mig_feature_flag.router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        body: list[str] = (await client.get("/api/v1/tasks")).json()
    return body


# --8<-- [start:mig-005]
@pytest.mark.rule("MIG-005")
async def test_the_flag_switches_the_path_without_a_release(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same code serves the new path or the old one, as the environment says."""
    assert await list_with_flag(monkeypatch, "true") == ["sorted by the new ranking"]
    assert await list_with_flag(monkeypatch, "false") == ["sorted by created_at"]
    monkeypatch.delenv("FEATURE_SMART_SORT")
    assert mig_feature_flag.Settings().feature_smart_sort is False  # off by default


# --8<-- [end:mig-005]
