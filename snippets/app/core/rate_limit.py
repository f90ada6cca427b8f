"""Rate limits kept in PostgreSQL, so every worker process shares the counts."""

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, case, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from app.core.exceptions import TooManyRequestsError
from app.infra.db.base import Base


class RateLimitCounter(Base):
    """Hits of one key in its current fixed window."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    hits: Mapped[int] = mapped_column(Integer)


def account_key(email: str) -> str:
    """Hashed: the table never holds an address, yet deletion can find it."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"login:account:{digest}"


# --8<-- [start:login-limit]
async def hit(
    session: AsyncSession, key: str, *, now: datetime, window: timedelta
) -> tuple[int, datetime]:
    """Count one hit atomically: one upsert, however many workers race."""
    new = insert(RateLimitCounter).values(key=key, window_started_at=now, hits=1)
    expired = RateLimitCounter.window_started_at <= now - window
    statement = new.on_conflict_do_update(
        index_elements=[RateLimitCounter.key],
        set_={
            "hits": case((expired, 1), else_=RateLimitCounter.hits + 1),
            "window_started_at": case(
                (expired, now), else_=RateLimitCounter.window_started_at
            ),
        },
    ).returning(RateLimitCounter.hits, RateLimitCounter.window_started_at)
    hits, started = (await session.execute(statement)).one()
    return hits, started


async def limit_login(
    sessions: async_sessionmaker[AsyncSession],
    *,
    email: str,
    address: str,
    limits: tuple[int, int],
    window: timedelta,
    now: datetime,
) -> None:
    """429 with Retry-After once an account or an address tried too often."""
    keys = {account_key(email): limits[0], f"login:address:{address}": limits[1]}
    # Own transaction, committed at once: a failed sign-in rolls the request's
    # transaction back, and the attempt must still count.
    async with sessions.begin() as session:
        counts = [await hit(session, key, now=now, window=window) for key in keys]
    waits = [
        (started + window - now).total_seconds()
        for (hits, started), limit in zip(counts, keys.values(), strict=True)
        if hits > limit
    ]
    if waits:
        retry_after = str(max(1, math.ceil(max(waits))))
        raise TooManyRequestsError(
            "Too many sign-in attempts; try again later.",
            headers={"Retry-After": retry_after},
        )


# --8<-- [end:login-limit]


async def forget_account(session: AsyncSession, email: str) -> None:
    """Drop an account's counter: part of deleting the account."""
    await session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.key == account_key(email))
    )
