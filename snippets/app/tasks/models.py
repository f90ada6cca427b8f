"""ORM table of the tasks domain."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.infra.db.base import Base
from app.tasks.constants import TaskStatus
from app.users.models import User


@dataclass(frozen=True, slots=True)
class Budget:
    amount: Decimal
    currency: str


# --8<-- [start:task-model]
class Task(Base):
    """A to-do item; always read together with its owner, in one query."""

    __tablename__ = "task"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012  # SQLAlchemy API
    __table_args__ = (
        # Money is two columns: either both are set or neither is.
        CheckConstraint(
            "(budget_amount IS NULL) = (budget_currency IS NULL)",
            name="budget_complete",
        ),
        CheckConstraint("budget_amount >= 0", name="budget_non_negative"),
        # PostgreSQL accepts ±infinity; asyncpg reads it as a naive datetime.max
        # or .min, which the API's aware datetimes refuse.
        CheckConstraint("isfinite(due_at)", name="due_at_finite"),
        CheckConstraint("isfinite(created_at)", name="created_at_finite"),
        CheckConstraint("isfinite(updated_at)", name="updated_at_finite"),
        # Serves "my tasks, newest first" and its keyset cursor.
        Index(None, "owner_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, default=uuid.uuid4, server_default=func.gen_random_uuid()
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[TaskStatus] = mapped_column(
        Enum(
            TaskStatus,
            name="task_status",
            values_callable=lambda e: [m.value for m in e],
        ),
        server_default=text("'todo'"),
    )
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    # --8<-- [start:timestamps]
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    # --8<-- [end:timestamps]

    # lazy="raise": a forgotten eager load fails loudly instead of adding N queries.
    owner: Mapped[User] = relationship(lazy="raise")

    @property
    def budget(self) -> Budget | None:
        if self.budget_amount is None or self.budget_currency is None:
            return None
        return Budget(self.budget_amount, self.budget_currency)


# --8<-- [end:task-model]


class IdempotencyKey(Base):
    """A create request seen before: what it asked and what it was answered."""

    __tablename__ = "task_idempotency_key"
    __table_args__ = (Index(None, "expires_at"),)  # the purge scans by expiry

    # The key is the client's, so it is unique per user, not globally.
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    # The 201 body, written in the task's transaction (only successes are kept:
    # a failed create rolls its key back too, so a retry really runs again).
    response_body: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --8<-- [start:import-model]
class TaskImport(Base):
    """A bulk import the API accepted and the worker applies: its status row."""

    __tablename__ = "task_import"
    __table_args__ = (Index(None, "accepted_at"),)  # the purge deletes by age

    # Also the job's ID: the worker finds the row by it, and only once the
    # request that accepted the import has committed.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # The job carries the ID only: a queue that lost it can be given it again.
    titles: Mapped[list[str]] = mapped_column(JSONB)
    title_count: Mapped[int]
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set with the job's dead letter, in its transaction: given up on.
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --8<-- [end:import-model]
