"""ORM tables of the users domain: accounts, sessions and refresh tokens."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Enum, ForeignKey, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.infra.db.base import Base
from app.users.constants import Role


# --8<-- [start:user-model]
class User(Base):
    """A person who can sign in; owns tasks."""

    # `user` is a reserved word in PostgreSQL; the domain prefix avoids quoting.
    __tablename__ = "user_account"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012  # SQLAlchemy API
    # An instant the API can write: PostgreSQL would also store ±infinity.
    __table_args__ = (
        CheckConstraint("isfinite(created_at)", name="created_at_finite"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, default=uuid.uuid4, server_default=func.gen_random_uuid()
    )
    # Stored lower-cased by the service, so a plain unique index is enough.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", values_callable=lambda e: [m.value for m in e]),
        server_default=text("'user'"),
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


# --8<-- [end:user-model]


# --8<-- [start:session-model]
class UserSession(Base):
    """One sign-in on one device; every token of it dies when it ends."""

    __tablename__ = "user_session"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012  # SQLAlchemy API

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Moved forward by each refresh; a purge deletes the row after it.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


# --8<-- [end:session-model]


class RefreshToken(Base):
    """One issued refresh token; single use, so rotation can detect replays."""

    __tablename__ = "user_refresh_token"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012  # SQLAlchemy API

    jti: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_session.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


# guideline: allow[DB-008] named before it moved here; a rename breaks the old pods
class RateLimitCounter(Base):
    """One key's bucket: when it is full again. A full bucket needs no row.

    A known pair's row (`known_pair_key`) has no bucket: `refills_at` is when
    it expires, and the same purge removes it. (Named before it moved into
    this domain: renaming a table breaks the version still running.)
    """

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    refills_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
