"""Index names list every column, as PostgreSQL's own names do.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 08:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written by hand: a rename is a catalogue change, instant and without a rebuild.


def upgrade() -> None:
    op.execute(
        "SET LOCAL lock_timeout = '5s'"
    )  # give up rather than queue behind a query
    op.execute(
        "ALTER INDEX task_owner_id_idx RENAME TO task_owner_id_created_at_id_idx"
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "ALTER INDEX task_owner_id_created_at_id_idx RENAME TO task_owner_id_idx"
    )
