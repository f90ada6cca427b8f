"""Rename idempotency_key to task_idempotency_key: tables carry their module (DB-008).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 08:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "idempotency_key", "task_idempotency_key"
# The convention's names of the table's constraints and index, before and after.
RENAMED = (
    ("CONSTRAINT", "pkey"),
    ("CONSTRAINT", "user_id_fkey"),
    ("INDEX", "expires_at_idx"),
)


def _rename(source: str, target: str) -> None:
    # A rename is metadata only: no rewrite, and a brief lock on the table.
    op.rename_table(source, target)
    for kind, suffix in RENAMED:
        if kind == "INDEX":
            op.execute(f"ALTER INDEX {source}_{suffix} RENAME TO {target}_{suffix}")
        else:
            op.execute(
                f"ALTER TABLE {target} RENAME CONSTRAINT "
                f"{source}_{suffix} TO {target}_{suffix}"
            )


def upgrade() -> None:
    _rename(OLD, NEW)


def downgrade() -> None:
    _rename(NEW, OLD)
