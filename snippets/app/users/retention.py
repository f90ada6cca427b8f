"""Purges of auth data past its use, for the retention job to call (RET-005)."""

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core import rate_limit
from app.users.models import RefreshToken, UserSession

Purge = Callable[..., Awaitable[int]]


# --8<-- [start:purges]
async def purge_ended_sessions(
    session: AsyncSession, *, now: datetime, batch_size: int
) -> int:
    """Delete up to `batch_size` expired or signed-out sessions, tokens with them."""
    ended = (
        select(UserSession.id)
        .where(or_(UserSession.expires_at <= now, UserSession.revoked_at.is_not(None)))
        .limit(batch_size)
        .with_for_update(skip_locked=True)  # a refresh in progress is not waited for
    )
    result = await session.execute(delete(UserSession).where(UserSession.id.in_(ended)))
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's


async def purge_expired_refresh_tokens(
    session: AsyncSession, *, now: datetime, batch_size: int
) -> int:
    """Delete up to `batch_size` refresh tokens past `exp`: no one can use them."""
    expired = (
        select(RefreshToken.jti)
        .where(RefreshToken.expires_at <= now)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        delete(RefreshToken).where(RefreshToken.jti.in_(expired))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's


PURGES: dict[str, Purge] = {
    "sessions": purge_ended_sessions,  # first: its cascade takes most tokens
    "refresh_tokens": purge_expired_refresh_tokens,
    "rate_limit_counters": rate_limit.purge_expired,
}


async def purge_auth_data(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, batch_size: int
) -> dict[str, int]:
    """Run every purge to the end, one committed batch at a time; rows per kind."""
    purged = dict.fromkeys(PURGES, 0)
    for kind, purge in PURGES.items():
        while True:
            async with sessions.begin() as session:
                deleted = await purge(session, now=now, batch_size=batch_size)
            purged[kind] += deleted
            if deleted < batch_size:
                break
    return purged


# --8<-- [end:purges]
