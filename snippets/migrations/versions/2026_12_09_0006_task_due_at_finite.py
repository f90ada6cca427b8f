"""Every instant the API writes is finite: PostgreSQL's ±infinity has no Python value.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09 08:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written by hand, names spelled out as the models' convention makes them.


def upgrade() -> None:
    # Adding a constraint takes an exclusive lock on its table, held until this
    # revision's transaction commits: give up rather than queue every query
    # behind a long-running one, and check no row yet (NOT VALID). Dropped
    # first, so a run that failed after this step can simply be run again.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("ALTER TABLE task DROP CONSTRAINT IF EXISTS task_due_at_finite_check")
    op.execute(
        "ALTER TABLE task ADD CONSTRAINT task_due_at_finite_check "
        "CHECK (isfinite(due_at)) NOT VALID"
    )
    op.execute(
        "ALTER TABLE task DROP CONSTRAINT IF EXISTS task_created_at_finite_check"
    )
    op.execute(
        "ALTER TABLE task ADD CONSTRAINT task_created_at_finite_check "
        "CHECK (isfinite(created_at)) NOT VALID"
    )
    op.execute(
        "ALTER TABLE task DROP CONSTRAINT IF EXISTS task_updated_at_finite_check"
    )
    op.execute(
        "ALTER TABLE task ADD CONSTRAINT task_updated_at_finite_check "
        "CHECK (isfinite(updated_at)) NOT VALID"
    )
    op.execute(
        "ALTER TABLE user_account "
        "DROP CONSTRAINT IF EXISTS user_account_created_at_finite_check"
    )
    op.execute(
        "ALTER TABLE user_account ADD CONSTRAINT user_account_created_at_finite_check "
        "CHECK (isfinite(created_at)) NOT VALID"
    )
    # Committed first, so the scans below run without that lock: an UPDATE
    # locks only the rows it changes, VALIDATE takes SHARE UPDATE EXCLUSIVE,
    # which lets reads and writes go on. One UPDATE per table: a NOT VALID
    # check still applies to every row an UPDATE writes, so a row with two
    # infinite columns must be fixed in one statement.
    with op.get_context().autocommit_block():
        op.execute("SET lock_timeout = '5s'")  # SET LOCAL ended with the commit
        # "Never due" from another tool means no due date; a timestamp the
        # database set becomes the time of this migration.
        op.execute(
            "UPDATE task SET "
            "due_at = CASE WHEN isfinite(due_at) THEN due_at END, "
            "created_at = CASE WHEN isfinite(created_at) THEN created_at "
            "ELSE now() END, "
            "updated_at = CASE WHEN isfinite(updated_at) THEN updated_at "
            "ELSE now() END "
            "WHERE NOT (isfinite(due_at) AND isfinite(created_at) "
            "AND isfinite(updated_at))"
        )
        op.execute(
            "UPDATE user_account SET created_at = now() WHERE NOT isfinite(created_at)"
        )
        op.execute("ALTER TABLE task VALIDATE CONSTRAINT task_due_at_finite_check")
        op.execute("ALTER TABLE task VALIDATE CONSTRAINT task_created_at_finite_check")
        op.execute("ALTER TABLE task VALIDATE CONSTRAINT task_updated_at_finite_check")
        op.execute(
            "ALTER TABLE user_account "
            "VALIDATE CONSTRAINT user_account_created_at_finite_check"
        )
        op.execute("RESET lock_timeout")


def downgrade() -> None:
    # The ±infinity values the upgrade replaced are not restored.
    op.drop_constraint(
        op.f("user_account_created_at_finite_check"), "user_account", type_="check"
    )
    op.drop_constraint(op.f("task_updated_at_finite_check"), "task", type_="check")
    op.drop_constraint(op.f("task_created_at_finite_check"), "task", type_="check")
    op.drop_constraint(op.f("task_due_at_finite_check"), "task", type_="check")
