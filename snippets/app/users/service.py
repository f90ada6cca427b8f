"""Users business logic: registration, sign-in and refresh-token rotation."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import rate_limit
from app.core.config import Settings
from app.core.models import is_storable
from app.core.security import (
    Role,
    create_token,
    decode_token,
    hash_password,
    verify_password,
)
from app.users import repository as user_repo
from app.users.exceptions import (
    EmailTakenError,
    InvalidCredentialsError,
    RefreshTokenReusedError,
    UserNotFoundError,
)
from app.users.models import RefreshToken, User
from app.users.schemas import TokenPair, UserCreate

# Verified when the email is unknown, so both failures take the same time.
_DUMMY_HASH = hash_password("not-a-real-password")


async def register(session: AsyncSession, data: UserCreate) -> User:
    """Create an account; the database's unique index settles races."""
    user = User(
        email=data.email,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        role=Role.USER,  # admins are promoted out of band, never self-registered
    )
    try:
        return await user_repo.add(session, user)
    except IntegrityError:
        raise EmailTakenError("An account with this email already exists.") from None


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    if (user := await user_repo.get_by_id(session, user_id)) is None:
        raise UserNotFoundError
    return user


async def list_users(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[User]:
    return await user_repo.list_page(session, limit=limit, offset=offset)


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """The same error for an unknown email and a wrong password."""
    # Text PostgreSQL cannot even compare is no stored address either.
    storable = is_storable(email)
    user = await user_repo.get_by_email(session, email.lower()) if storable else None
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise InvalidCredentialsError
    if not verify_password(user.password_hash, password):
        raise InvalidCredentialsError
    return user


async def issue_tokens(
    session: AsyncSession, settings: Settings, user: User
) -> TokenPair:
    """A fresh access token and a refresh token whose `jti` is recorded."""
    access, _ = create_token(settings, subject=user.id, kind="access", role=user.role)
    refresh, claims = create_token(
        settings, subject=user.id, kind="refresh", role=user.role
    )
    await user_repo.add_refresh_token(
        session,
        RefreshToken(jti=claims.jti, user_id=user.id, expires_at=claims.exp),
    )
    ttl = int(settings.access_token_ttl.total_seconds())
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


async def refresh(session: AsyncSession, settings: Settings, token: str) -> TokenPair:
    """Rotate: spend the refresh token and hand out a new pair."""
    claims = decode_token(settings, token, kind="refresh")
    now = datetime.now(UTC)
    if await user_repo.claim_refresh_token(session, claims.jti, now=now) is None:
        # Spent before: someone replays it. Burn the whole family, and commit
        # now, because the error below rolls the request's transaction back.
        await user_repo.revoke_all(session, claims.sub, now=now)
        # guideline: allow[DB-002, INJ-002] the revocation must survive the rollback
        await session.commit()
        raise RefreshTokenReusedError("Sign in again.")
    # Tokens are deleted with their user, so a claimed one has a live owner.
    return await issue_tokens(session, settings, await get_user(session, claims.sub))


async def delete_account(session: AsyncSession, user: User) -> None:
    """Erase the account; foreign keys cascade to everything it owns."""
    await rate_limit.forget_account(session, user.email)
    await user_repo.delete(session, user)
