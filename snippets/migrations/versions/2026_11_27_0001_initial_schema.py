"""Initial schema: accounts, refresh tokens and tasks.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Names are written out (op.f marks them final, so the naming convention is not
# applied twice); they are exactly what the models' convention produces.
# create_type=False: the enum types are created and dropped explicitly below.
user_role = postgresql.ENUM("user", "admin", name="user_role", create_type=False)
task_status = postgresql.ENUM(
    "todo", "doing", "done", name="task_status", create_type=False
)


def upgrade() -> None:
    user_role.create(op.get_bind())
    task_status.create(op.get_bind())
    op.create_table(
        "user_account",
        sa.Column(
            "id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False
        ),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", user_role, server_default=sa.text("'user'"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("user_account_pkey")),
        sa.UniqueConstraint("email", name=op.f("user_account_email_key")),
    )
    op.create_table(
        "user_refresh_token",
        sa.Column("jti", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("user_refresh_token_user_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("jti", name=op.f("user_refresh_token_pkey")),
    )
    op.create_index(
        op.f("user_refresh_token_user_id_idx"), "user_refresh_token", ["user_id"]
    )
    op.create_table(
        "task",
        sa.Column(
            "id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False
        ),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "status", task_status, server_default=sa.text("'todo'"), nullable=False
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("budget_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("budget_currency", sa.String(length=3), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(budget_amount IS NULL) = (budget_currency IS NULL)",
            name=op.f("task_budget_complete_check"),
        ),
        sa.CheckConstraint(
            "budget_amount >= 0", name=op.f("task_budget_non_negative_check")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("task_owner_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("task_pkey")),
    )
    op.create_index(op.f("task_owner_id_idx"), "task", ["owner_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_index(op.f("task_owner_id_idx"), table_name="task")
    op.drop_table("task")
    op.drop_index(
        op.f("user_refresh_token_user_id_idx"), table_name="user_refresh_token"
    )
    op.drop_table("user_refresh_token")
    op.drop_table("user_account")
    task_status.drop(op.get_bind())
    user_role.drop(op.get_bind())
