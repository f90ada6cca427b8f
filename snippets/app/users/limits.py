"""Rate limits of the users domain, kept in PostgreSQL so every process shares them."""

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.exceptions import TooManyRequestsError
from app.users import repository as user_repo


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


async def take(session: AsyncSession, key: str, rate: Rate, *, now: datetime) -> float:
    """One slot of `key`'s bucket: 0 if granted, else seconds to wait."""
    slack = rate.interval * (rate.limit - 1)  # how far ahead the bucket may run
    return await user_repo.take_rate_slot(
        session, key, interval=rate.interval, slack=slack, now=now
    )


# --8<-- [start:enforce]
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
    # --8<-- [end:enforce]


async def remember(session: AsyncSession, key: str, *, until: datetime) -> None:
    """Keep `key` until `until` (a known pair); the purge drops it then."""
    await user_repo.keep_rate_key(session, key, until=until)


async def is_remembered(
    sessions: async_sessionmaker[AsyncSession], key: str, *, now: datetime
) -> bool:
    async with sessions() as session:
        return await user_repo.rate_key_kept(session, key, now=now)


async def forget_account(session: AsyncSession, settings: Settings, email: str) -> None:
    """Drop every counter that names an account: part of deleting it."""
    account = _digest(settings, email.strip().lower())
    await user_repo.delete_rate_keys(
        session,
        exact=[f"login:account:{account}", f"mail:recipient:{account}"],
        prefixes=[f"login:pair:{account}:", f"login:known:{account}:"],
    )
