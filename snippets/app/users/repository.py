"""Queries of the users domain: one function per named query, never a commit."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete as delete_rows  # `delete` is this module's own
from sqlalchemy import exists, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import RateLimitCounter, RefreshToken, User, UserSession


async def get_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email))


async def replace_password_hash(
    session: AsyncSession, user_id: uuid.UUID, *, old: str, new: str
) -> bool:
    """Compare and set: False when the hash is no longer `old` (or the user left)."""
    statement = (
        update(User)
        .where(User.id == user_id, User.password_hash == old)
        .values(password_hash=new)
        .returning(User.id)
    )
    return await session.scalar(statement) is not None


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    offset: int = 0,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> Sequence[User]:
    """Oldest first; `after` continues a keyset page (created_at, id)."""
    query = select(User).order_by(User.created_at, User.id)
    if after is not None:
        query = query.where(tuple_(User.created_at, User.id) > tuple_(*after))
    return (await session.scalars(query.limit(limit).offset(offset))).all()


async def add_if_new(session: AsyncSession, user: User) -> bool:
    """Insert unless the address is taken: the unique index settles races."""
    statement = (
        insert(User)
        .values(
            email=user.email,
            display_name=user.display_name,
            password_hash=user.password_hash,
            role=user.role,
        )
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User.id)
    )
    return await session.scalar(statement) is not None


# --8<-- [start:signed-in]
async def get_signed_in(
    session: AsyncSession, *, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
) -> User | None:
    """The account of a live session: two primary keys, one indexed join."""
    query = (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.id == session_id)
        .where(UserSession.revoked_at.is_(None), UserSession.expires_at > now)
    )
    return await session.scalar(query)


# --8<-- [end:signed-in]


async def add_session(session: AsyncSession, user_session: UserSession) -> None:
    session.add(user_session)
    await session.flush()


async def get_live_session(
    session: AsyncSession, session_id: uuid.UUID, *, now: datetime
) -> UserSession | None:
    """Locked until commit: a refresh and a sign-out of it run one at a time."""
    query = (
        select(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .where(UserSession.expires_at > now)
        .with_for_update()
    )
    return await session.scalar(query)


async def add_refresh_token(session: AsyncSession, token: RefreshToken) -> None:
    session.add(token)
    await session.flush()


async def claim_refresh_token(
    session: AsyncSession, jti: uuid.UUID, *, session_id: uuid.UUID, now: datetime
) -> RefreshToken | None:
    """Spend an unused token in one statement: of two racing calls, one wins."""
    query = (
        update(RefreshToken)
        .where(RefreshToken.jti == jti, RefreshToken.session_id == session_id)
        .where(RefreshToken.used_at.is_(None), RefreshToken.expires_at > now)
        .values(used_at=now)
        .returning(RefreshToken)
    )
    return await session.scalar(query)


async def revoke_sessions(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    now: datetime,
    only: uuid.UUID | None = None,
    keep: uuid.UUID | None = None,
) -> None:
    """End the user's sessions: one (`only`), or all but one (`keep`), or all."""
    query = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if only is not None:
        query = query.where(UserSession.id == only)
    if keep is not None:
        query = query.where(UserSession.id != keep)
    await session.execute(query.values(revoked_at=now))


async def delete(session: AsyncSession, user: User) -> None:
    """ON DELETE CASCADE removes tasks, idempotency keys, sessions and tokens."""
    await session.delete(user)
    await session.flush()


async def delete_ended_sessions(
    session: AsyncSession, *, now: datetime, batch_size: int
) -> int:
    """Delete up to `batch_size` expired or signed-out sessions, tokens with them."""
    ended = (
        select(UserSession.id)
        .where(or_(UserSession.expires_at <= now, UserSession.revoked_at.is_not(None)))
        .limit(batch_size)
        .with_for_update(skip_locked=True)  # a refresh in progress is not waited for
    )
    result = await session.execute(
        delete_rows(UserSession).where(UserSession.id.in_(ended))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's


async def delete_expired_refresh_tokens(
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
        delete_rows(RefreshToken).where(RefreshToken.jti.in_(expired))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's


# --8<-- [start:gcra]
async def take_rate_slot(
    session: AsyncSession,
    key: str,
    *,
    interval: timedelta,
    slack: timedelta,
    now: datetime,
) -> float:
    """Take one slot atomically (GCRA): 0 if granted, else seconds to wait."""
    table = RateLimitCounter
    statement = (
        insert(table)
        .values(key=key, refills_at=now + interval)
        .on_conflict_do_update(
            index_elements=[table.key],
            set_={"refills_at": func.greatest(table.refills_at, now) + interval},
            where=table.refills_at <= now + slack,  # else: refused, nothing changes
        )
        .returning(table.refills_at)
    )
    if (await session.execute(statement)).first() is not None:
        return 0.0
    # Refused: the row is locked by the upsert above, so it is still there.
    refills_at = await session.scalar(select(table.refills_at).where(table.key == key))
    return max(((refills_at or now) - slack - now).total_seconds(), 0.001)
    # --8<-- [end:gcra]


async def keep_rate_key(session: AsyncSession, key: str, *, until: datetime) -> None:
    """Keep `key` until `until` (a known pair); the purge drops it then."""
    table = RateLimitCounter
    statement = insert(table).values(key=key, refills_at=until)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.key],
            set_={"refills_at": statement.excluded.refills_at},
        )
    )


async def rate_key_kept(session: AsyncSession, key: str, *, now: datetime) -> bool:
    table = RateLimitCounter
    kept = exists().where(table.key == key, table.refills_at > now)
    return bool(await session.scalar(select(kept)))


async def delete_rate_keys(
    session: AsyncSession, *, exact: Sequence[str], prefixes: Sequence[str]
) -> None:
    """Delete the counters with these keys, or keys that start with a prefix."""
    key = RateLimitCounter.key
    named = or_(
        key.in_(exact),
        *(key.startswith(prefix, autoescape=True) for prefix in prefixes),
    )
    await session.execute(delete_rows(RateLimitCounter).where(named))


async def purge_expired_rate_keys(
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
        delete_rows(RateLimitCounter).where(RateLimitCounter.key.in_(expired))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult's
