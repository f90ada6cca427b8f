"""Rate limits kept in PostgreSQL, so every worker process shares the counts."""

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from app.core.config import Settings
from app.core.exceptions import TooManyRequestsError
from app.infra.db.base import Base


class RateLimitCounter(Base):
    """One key's bucket: when it is full again. A full bucket needs no row.

    A known pair's row (`known_pair_key`) has no bucket: `refills_at` is when
    it expires, and the same purge removes it.
    """

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    refills_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class Rate:
    """`limit` at once, then one more every `window / limit`."""

    limit: int
    window: timedelta

    @property
    def interval(self) -> timedelta:
        return self.window / self.limit


# --8<-- [start:keys]
def _digest(settings: Settings, value: str) -> str:
    # Keyed: without the secret, nobody can test a list of addresses (or IPs)
    # against the table; with it, deleting an account can still find its rows.
    key = hmac.digest(
        settings.jwt_secret.get_secret_value().encode(), b"rate", "sha256"
    )
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def account_key(settings: Settings, email: str) -> str:
    return f"login:account:{_digest(settings, email.strip().lower())}"


def address_key(settings: Settings, scope: str, address: str) -> str:
    return f"{scope}:address:{_digest(settings, address)}"


def pair_key(settings: Settings, email: str, address: str) -> str:
    account = _digest(settings, email.strip().lower())
    return f"login:pair:{account}:{_digest(settings, address)}"


def known_pair_key(settings: Settings, email: str, address: str) -> str:
    account = _digest(settings, email.strip().lower())
    return f"login:known:{account}:{_digest(settings, address)}"


def recipient_key(settings: Settings, email: str) -> str:
    return f"mail:recipient:{_digest(settings, email.strip().lower())}"


# --8<-- [end:keys]


# --8<-- [start:login-limit]
# --8<-- [start:gcra]
async def take(session: AsyncSession, key: str, rate: Rate, *, now: datetime) -> float:
    """Take one slot atomically (GCRA): 0 if granted, else seconds to wait."""
    slack = rate.interval * (rate.limit - 1)  # how far ahead the bucket may run
    table = RateLimitCounter
    statement = (
        insert(table)
        .values(key=key, refills_at=now + rate.interval)
        .on_conflict_do_update(
            index_elements=[table.key],
            set_={"refills_at": func.greatest(table.refills_at, now) + rate.interval},
            where=table.refills_at <= now + slack,  # else: refused, nothing changes
        )
        .returning(table.refills_at)
    )
    if (await session.execute(statement)).first() is not None:
        return 0.0
    # Refused: the row is locked by the upsert above, so it is still there.
    refills_at = await session.scalar(select(table.refills_at).where(table.key == key))
    return max(((refills_at or now) - slack - now).total_seconds(), 0.001)


async def enforce(
    sessions: async_sessionmaker[AsyncSession],
    limits: Sequence[tuple[str, Rate]],
    *,
    now: datetime,
    detail: str,
) -> None:
    """429 with Retry-After at the first limit that refuses; later ones untouched."""
    # Own transaction, committed at once: a failed sign-in rolls the request's
    # transaction back, and the attempt must still count.
    async with sessions.begin() as session:
        for key, rate in limits:
            if (wait := await take(session, key, rate, now=now)) > 0:
                break
        else:
            return
    raise TooManyRequestsError(detail, headers={"Retry-After": str(math.ceil(wait))})
    # --8<-- [end:gcra]


async def remember(session: AsyncSession, key: str, *, until: datetime) -> None:
    """Keep `key` until `until` (a known pair); purge_expired drops it then."""
    table = RateLimitCounter
    statement = insert(table).values(key=key, refills_at=until)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.key],
            set_={"refills_at": statement.excluded.refills_at},
        )
    )


async def is_remembered(
    sessions: async_sessionmaker[AsyncSession], key: str, *, now: datetime
) -> bool:
    table = RateLimitCounter
    kept = exists().where(table.key == key, table.refills_at > now)
    async with sessions() as session:
        return bool(await session.scalar(select(kept)))


# --8<-- [end:login-limit]


async def forget_account(session: AsyncSession, settings: Settings, email: str) -> None:
    """Drop every counter that names an account: part of deleting it."""
    account = _digest(settings, email.strip().lower())
    key = RateLimitCounter.key
    named = (
        (key == f"login:account:{account}")
        | key.startswith(f"login:pair:{account}:", autoescape=True)
        | key.startswith(f"login:known:{account}:", autoescape=True)
        | (key == f"mail:recipient:{account}")
    )
    await session.execute(delete(RateLimitCounter).where(named))


async def purge_expired(
    session: AsyncSession, *, now: datetime, batch_size: int
) -> int:
    """Delete up to `batch_size` full buckets or expired known pairs; a retention
    job calls it until 0."""
    expired = (
        select(RateLimitCounter.key)
        .where(RateLimitCounter.refills_at <= now)
        .limit(batch_size)
        .with_for_update(skip_locked=True)  # a sign-in holding a row is not waited for
    )
    result = await session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.key.in_(expired))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's
