"""Auth data does not outlive its use: counters, sessions and tokens are purged."""

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.users import limits
from app.users import repository as user_repo
from app.users.models import RateLimitCounter, RefreshToken, User, UserSession
from tests.conftest import bearer, register, sign_in

TOKEN = "/api/v1/auth/token"


async def count(sessions: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def test_account_keys_are_keyed_hashes_not_bare_sha256(settings: Settings) -> None:
    """Without the secret nobody can test a list of addresses against the table."""
    email = "ada@example.com"
    other = settings.model_copy(
        update={"jwt_secret": settings.jwt_secret.__class__("x" * 40)}
    )

    key = limits.account_key(settings, email)

    assert hashlib.sha256(email.encode()).hexdigest() not in key
    assert email not in key
    assert key == limits.account_key(settings, " ADA@example.com ")
    assert key != limits.account_key(other, email)


async def test_counters_hold_no_address_and_the_deleted_accounts_are_gone(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Keys are hashes; deleting the account deletes every counter naming it."""
    user = await register(client)
    tokens = await sign_in(client, user)
    await client.post(TOKEN, data={"username": user.email, "password": "Wrong-1234567"})
    async with sessions() as session:
        before = (await session.scalars(select(RateLimitCounter.key))).all()

    deleted = await client.delete("/api/v1/users/me", headers=bearer(tokens))
    async with sessions() as session:
        after = (await session.scalars(select(RateLimitCounter.key))).all()

    assert deleted.status_code == 204, deleted.text
    assert not [key for key in before if "127.0.0.1" in key or "@" in key], before
    assert any(key.startswith("login:account:") for key in before), before
    assert any(key.startswith("login:known:") for key in before), before
    # What is left names no account: the client address's counters, hashed.
    named = [k for k in after if {"account", "pair", "known"} & set(k.split(":"))]
    assert not named, after


async def test_expired_counters_are_purged_and_live_ones_kept(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    """A counter whose bucket has refilled says nothing any more: it goes."""
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        session.add_all(
            [
                RateLimitCounter(key="t:old", refills_at=now - timedelta(seconds=1)),
                RateLimitCounter(key="t:live", refills_at=now + timedelta(minutes=1)),
            ]
        )

    async with sessions.begin() as session:
        purged = await user_repo.purge_expired_rate_keys(
            session, now=now, batch_size=100
        )
    async with sessions() as session:
        left = (await session.scalars(select(RateLimitCounter.key))).all()

    assert purged == 1
    assert left == ["t:live"]


async def add_user_with_sessions(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> dict[str, uuid.UUID]:
    """One user, one live, one expired and one revoked session, each with a token."""
    ids = {name: uuid.uuid4() for name in ("live", "expired", "revoked")}
    async with sessions.begin() as session:
        user = User(email=f"{uuid.uuid4().hex}@example.com", display_name="R")
        user.password_hash = "-"
        session.add(user)
        await session.flush()
        ends = {"live": now + timedelta(days=3), "expired": now - timedelta(seconds=1)}
        for name, session_id in ids.items():
            session.add(
                UserSession(
                    id=session_id,
                    user_id=user.id,
                    expires_at=ends.get(name, now + timedelta(days=3)),
                    revoked_at=now - timedelta(minutes=1)
                    if name == "revoked"
                    else None,
                )
            )
        await session.flush()
        for name, session_id in ids.items():
            session.add(
                RefreshToken(jti=uuid.uuid4(), session_id=session_id, expires_at=now)
                if name == "live"
                else RefreshToken(
                    jti=uuid.uuid4(),
                    session_id=session_id,
                    expires_at=now + timedelta(days=1),
                )
            )
    return ids


async def test_ended_sessions_and_expired_tokens_are_purged(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    """Only the live session stays, and of its tokens only those still valid."""
    now = datetime.now(UTC)
    ids = await add_user_with_sessions(sessions, now)
    async with sessions.begin() as session:
        live_token = RefreshToken(
            jti=uuid.uuid4(), session_id=ids["live"], expires_at=now + timedelta(days=1)
        )
        session.add(live_token)

    async with sessions.begin() as session:
        ended = await user_repo.delete_ended_sessions(session, now=now, batch_size=100)
        expired = await user_repo.delete_expired_refresh_tokens(
            session, now=now, batch_size=100
        )
    async with sessions() as session:
        left_sessions = (await session.scalars(select(UserSession.id))).all()
        left_tokens = (await session.scalars(select(RefreshToken.jti))).all()

    assert ended == 2  # the expired and the revoked one, their tokens with them
    assert expired == 1  # the live session's spent-by-time token
    assert left_sessions == [ids["live"]]
    assert left_tokens == [live_token.jti]


async def test_purges_work_in_bounded_batches(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    """A batch deletes at most `batch_size` rows; the job calls until zero."""
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        session.add_all(
            RateLimitCounter(key=f"t:{n}", refills_at=now - timedelta(seconds=1))
            for n in range(5)
        )

    batches = []
    while True:
        async with sessions.begin() as session:
            purged = await user_repo.purge_expired_rate_keys(
                session, now=now, batch_size=2
            )
        batches.append(purged)
        if not purged:
            break

    assert batches == [2, 2, 1, 0]
