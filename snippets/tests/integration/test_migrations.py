"""Migrations: they apply, roll back and re-apply, and they match the models."""

from pprint import pformat
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from app.infra.db.models import Base
from tests.plugins.postgres import downgrade, run_on_connection, upgrade

AUTOGENERATE = ["alembic.autogenerate.*"]
CHECKS_BY_NAME = "alembic.ext.checkconstraint_byname"
ENUM_TYPES = text(
    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    " WHERE n.nspname = current_schema() AND t.typtype = 'e'"
)


def _schema_objects(connection: Connection) -> set[str]:
    inspector = inspect(connection)
    enums = connection.execute(ENUM_TYPES).scalars()
    return {
        *inspector.get_table_names(),
        *inspector.get_view_names(),
        *inspector.get_sequence_names(),
        *(f"enum {name}" for name in enums),
    }


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            # CHECK constraints are compared only through this opt-in plugin.
            "autogenerate_plugins": [*AUTOGENERATE, CHECKS_BY_NAME],
        },
    )
    return list(compare_metadata(context, Base.metadata))


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    """Every migration applies, rolls back to an empty schema, and applies again."""
    model_tables = set(Base.metadata.tables)

    upgrade(empty_database_url)
    assert run_on_connection(empty_database_url, _schema_objects) >= model_tables

    downgrade(empty_database_url, "base")
    left_over = run_on_connection(empty_database_url, _schema_objects)
    assert left_over == {"alembic_version"}, "downgrade left these behind"

    upgrade(empty_database_url)
    assert run_on_connection(empty_database_url, _schema_objects) >= model_tables


def test_models_and_migrations_do_not_drift(empty_database_url: str) -> None:
    """A model change without its migration (or the reverse) fails here."""
    upgrade(empty_database_url)

    differences = run_on_connection(empty_database_url, _differences)

    assert differences == [], "autogenerate would write:\n" + pformat(differences)


INFINITE_ROWS = text(
    "WITH owner AS ("
    " INSERT INTO user_account (email, display_name, password_hash, created_at)"
    " VALUES ('old@example.com', 'Old', 'x', 'infinity') RETURNING id)"
    " INSERT INTO task (owner_id, title, due_at, created_at, updated_at)"
    " SELECT id, 'from psql', '-infinity', 'infinity', 'infinity' FROM owner"
)
# What a run that failed inside the autocommit block leaves behind.
HALF_DONE = text(
    "ALTER TABLE task ADD CONSTRAINT task_due_at_finite_check"
    " CHECK (isfinite(due_at)) NOT VALID"
)
FINITE_CHECKS = text(
    "SELECT conname, convalidated FROM pg_constraint"
    " WHERE conname LIKE '%finite_check' ORDER BY conname"
)
CLEANED = text(
    "SELECT t.due_at IS NULL, isfinite(t.created_at), isfinite(t.updated_at),"
    " isfinite(u.created_at) FROM task t JOIN user_account u ON u.id = t.owner_id"
)


def test_the_finite_dates_migration_cleans_old_rows_and_can_run_again(
    empty_database_url: str,
) -> None:
    """Rows with several infinite instants and a half-done run: 0006 still applies."""
    upgrade(empty_database_url, "0005")

    def seed(connection: Connection) -> None:
        connection.execute(INFINITE_ROWS)
        connection.execute(HALF_DONE)
        connection.commit()

    run_on_connection(empty_database_url, seed)
    upgrade(empty_database_url)

    def read(connection: Connection) -> tuple[list[Any], list[Any]]:
        checks = [tuple(row) for row in connection.execute(FINITE_CHECKS)]
        return checks, [tuple(row) for row in connection.execute(CLEANED)]

    checks, rows = run_on_connection(empty_database_url, read)
    assert checks == [
        ("task_created_at_finite_check", True),
        ("task_due_at_finite_check", True),
        ("task_updated_at_finite_check", True),
        ("user_account_created_at_finite_check", True),
    ]
    assert rows == [(True, True, True, True)]
