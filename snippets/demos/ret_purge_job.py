"""Do: anonymize accounts whose retention period has ended, in bounded batches."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    display_name: Mapped[str | None] = mapped_column(String(100))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --8<-- [start:demo]
RETENTION = timedelta(days=30)  # the period the data inventory states for users


async def anonymize_deleted_users(session: AsyncSession, batch: int = 500) -> int:
    cutoff = datetime.now(UTC) - RETENTION
    due = select(User.id).where(User.deleted_at < cutoff, User.email.is_not(None))
    ids = list((await session.scalars(due.limit(batch))).all())
    # Keep the row (tasks reference it), erase what identifies the person.
    await session.execute(
        update(User).where(User.id.in_(ids)).values(email=None, display_name=None)
    )
    return len(ids)  # the scheduler calls again until this returns 0


# --8<-- [end:demo]
