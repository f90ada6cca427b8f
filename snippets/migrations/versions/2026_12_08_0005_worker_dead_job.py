"""Dead-lettered worker jobs, and an index for purging processed jobs by age.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written by hand, names spelled out as the models' convention makes them.


def upgrade() -> None:
    op.create_table(
        "worker_dead_job",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("job_type", sa.String(length=100), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column(
            "failed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("worker_dead_job_pkey")),
    )
    op.create_index(
        op.f("worker_dead_job_failed_at_idx"), "worker_dead_job", ["failed_at"]
    )
    op.create_index(
        op.f("worker_processed_job_processed_at_idx"),
        "worker_processed_job",
        ["processed_at"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("worker_processed_job_processed_at_idx"), table_name="worker_processed_job"
    )
    op.drop_index(op.f("worker_dead_job_failed_at_idx"), table_name="worker_dead_job")
    op.drop_table("worker_dead_job")
