"""Queries of the users domain: one function per named query, never a commit."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import RefreshToken, User


async def get_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email))


async def list_page(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[User]:
    query = select(User).order_by(User.created_at, User.id).limit(limit).offset(offset)
    return (await session.scalars(query)).all()


async def add(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()  # surfaces the unique violation here, not at commit
    return user


async def add_refresh_token(session: AsyncSession, token: RefreshToken) -> None:
    session.add(token)
    await session.flush()


async def claim_refresh_token(
    session: AsyncSession, jti: uuid.UUID, *, now: datetime
) -> RefreshToken | None:
    """Spend an unused token in one statement: of two racing calls, one wins."""
    query = (
        update(RefreshToken)
        .where(RefreshToken.jti == jti, RefreshToken.used_at.is_(None))
        .where(RefreshToken.expires_at > now)
        .values(used_at=now)
        .returning(RefreshToken)
    )
    return await session.scalar(query)


async def revoke_all(
    session: AsyncSession, user_id: uuid.UUID, *, now: datetime
) -> None:
    """Burn every live token of a user: a replayed token means one was stolen."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )


async def delete(session: AsyncSession, user: User) -> None:
    """ON DELETE CASCADE removes tasks, tokens and idempotency keys with it."""
    await session.delete(user)
    await session.flush()
