"""Idempotency keys, rate-limit counters and processed worker jobs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written by hand, names spelled out as the models' convention makes them.


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("idempotency_key_user_id_fkey"),
            ondelete="CASCADE",
        ),
        # The (user, key) pair is the dedup rule: one row per key and user.
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("idempotency_key_pkey")),
    )
    op.create_index(
        op.f("idempotency_key_expires_at_idx"), "idempotency_key", ["expires_at"]
    )
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("rate_limit_counter_pkey")),
    )
    op.create_table(
        "worker_processed_job",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("job_type", sa.String(length=100), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("worker_processed_job_pkey")),
    )


def downgrade() -> None:
    op.drop_table("worker_processed_job")
    op.drop_table("rate_limit_counter")
    op.drop_index(op.f("idempotency_key_expires_at_idx"), table_name="idempotency_key")
    op.drop_table("idempotency_key")
