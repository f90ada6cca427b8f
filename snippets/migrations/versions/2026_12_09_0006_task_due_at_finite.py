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
    # "Never due" written as infinity by another tool means no due date here.
    op.execute("UPDATE task SET due_at = NULL WHERE NOT isfinite(due_at)")
    # NOT VALID, then VALIDATE: the scan of existing rows runs without the
    # exclusive lock that would block every read and write of the table.
    op.execute(
        "ALTER TABLE task ADD CONSTRAINT task_due_at_finite_check "
        "CHECK (isfinite(due_at)) NOT VALID"
    )
    op.execute("ALTER TABLE task VALIDATE CONSTRAINT task_due_at_finite_check")


def downgrade() -> None:
    op.drop_constraint(op.f("task_due_at_finite_check"), "task", type_="check")
