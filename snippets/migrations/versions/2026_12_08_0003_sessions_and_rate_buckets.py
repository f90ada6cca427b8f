"""Sessions that can end, refresh tokens per session, expiring rate-limit buckets.

Existing refresh tokens belong to no session and are deleted: every client signs
in once more. Rate-limit counters are reset (they live for minutes anyway).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written by hand, names spelled out as the models' convention makes them.


def _rate_limit_counter(*columns: sa.Column[object]) -> None:
    op.drop_table("rate_limit_counter")
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=200), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("key", name=op.f("rate_limit_counter_pkey")),
    )


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("user_session_user_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("user_session_pkey")),
    )
    op.create_index(op.f("user_session_user_id_idx"), "user_session", ["user_id"])
    op.create_index(op.f("user_session_expires_at_idx"), "user_session", ["expires_at"])

    op.execute("DELETE FROM user_refresh_token")
    op.drop_index(op.f("user_refresh_token_user_id_idx"), "user_refresh_token")
    op.drop_column("user_refresh_token", "user_id")  # drops its foreign key too
    op.add_column(
        "user_refresh_token", sa.Column("session_id", sa.Uuid(), nullable=False)
    )
    op.create_foreign_key(
        op.f("user_refresh_token_session_id_fkey"),
        "user_refresh_token",
        "user_session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index(
        op.f("user_refresh_token_session_id_idx"), "user_refresh_token", ["session_id"]
    )
    op.create_index(
        op.f("user_refresh_token_expires_at_idx"), "user_refresh_token", ["expires_at"]
    )

    _rate_limit_counter(
        sa.Column("refills_at", sa.DateTime(timezone=True), nullable=False)
    )
    op.create_index(
        op.f("rate_limit_counter_refills_at_idx"), "rate_limit_counter", ["refills_at"]
    )


def downgrade() -> None:
    _rate_limit_counter(
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
    )

    op.execute("DELETE FROM user_refresh_token")
    op.drop_index(op.f("user_refresh_token_expires_at_idx"), "user_refresh_token")
    op.drop_index(op.f("user_refresh_token_session_id_idx"), "user_refresh_token")
    op.drop_column("user_refresh_token", "session_id")
    op.add_column("user_refresh_token", sa.Column("user_id", sa.Uuid(), nullable=False))
    op.create_foreign_key(
        op.f("user_refresh_token_user_id_fkey"),
        "user_refresh_token",
        "user_account",
        ["user_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index(
        op.f("user_refresh_token_user_id_idx"), "user_refresh_token", ["user_id"]
    )

    op.drop_index(op.f("user_session_expires_at_idx"), "user_session")
    op.drop_index(op.f("user_session_user_id_idx"), "user_session")
    op.drop_table("user_session")
