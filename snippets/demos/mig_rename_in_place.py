"""Don't: a rename in one step breaks every instance still running old code."""

from alembic import op


# --8<-- [start:demo]
def upgrade() -> None:
    # During a rolling deploy the old pods still SELECT "name": every one of
    # their queries fails from this commit on, and rollback needs a migration.
    op.alter_column("tasks", "name", new_column_name="title")


# --8<-- [end:demo]
