"""Bulk imports: the row the API writes when it accepts one, the worker's status.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-11 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written by hand, names spelled out as the models' convention makes them. A new
# table: no lock on anything the running version reads.


def upgrade() -> None:
    op.create_table(
        "task_import",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("titles", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("title_count", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("task_import_owner_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("task_import_pkey")),
    )
    op.create_index(op.f("task_import_accepted_at_idx"), "task_import", ["accepted_at"])
    op.create_index(op.f("task_import_owner_id_idx"), "task_import", ["owner_id"])


def downgrade() -> None:
    op.drop_index(op.f("task_import_owner_id_idx"), table_name="task_import")
    op.drop_index(op.f("task_import_accepted_at_idx"), table_name="task_import")
    op.drop_table("task_import")
