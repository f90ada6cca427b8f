"""A task's due date is a finite instant: PostgreSQL's ±infinity has no Python value.

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


def upgrade() -> None:
    # Adding the constraint takes an exclusive lock on `task`, held until this
    # revision's transaction commits: give up rather than queue every query
    # behind a long-running one, and check no row yet (NOT VALID).
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "ALTER TABLE task ADD CONSTRAINT task_due_at_finite_check "
        "CHECK (isfinite(due_at)) NOT VALID"
    )
    # Committed first, so the scans below run without that lock: the UPDATE
    # locks only the rows it changes, VALIDATE takes SHARE UPDATE EXCLUSIVE,
    # which lets reads and writes go on.
    with op.get_context().autocommit_block():
        # "Never due" written as ±infinity by another tool means no due date
        # here; those tasks now sort with the undated ones.
        op.execute("UPDATE task SET due_at = NULL WHERE NOT isfinite(due_at)")
        op.execute("ALTER TABLE task VALIDATE CONSTRAINT task_due_at_finite_check")


def downgrade() -> None:
    # The ±infinity values the upgrade cleared are not restored.
    op.drop_constraint(op.f("task_due_at_finite_check"), "task", type_="check")
