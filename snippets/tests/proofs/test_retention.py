"""Proofs of the Data Retention rules: minimal responses, real deletion."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.users.models import RateLimitCounter, User, UserSession
from app.worker.config import PurgeSettings
from app.worker.service import purge, purge_steps
from demos import ret_flag_only_delete, ret_leaky_response
from tests.conftest import bearer, register, sign_in

PERSONAL = {"email", "password_hash", "birth_date"}
DAY = timedelta(days=1)


async def service_owner(client: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    """Do: the fields of the owner a created task embeds."""
    response = await client.post("/api/v1/tasks", json={"title": "t"}, headers=headers)
    return set(response.json()["owner"])


async def demo_assignee(client: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    """Don't: the fields of the assignee the demo sends, every column."""
    return set(asdict(ret_leaky_response.row))


# --8<-- [start:ret-001]
@pytest.mark.rule("RET-001")
@pytest.mark.parametrize(
    ("embedded_user", "holds"),
    [(service_owner, True), (demo_assignee, False)],
    ids=["do", "dont"],
)
async def test_another_users_data_is_limited_to_what_the_client_shows(
    *,
    embedded_user: Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[set[str]]],
    holds: bool,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
) -> None:
    """A user embedded in a response carries no e-mail, hash or birth date."""
    fields = await embedded_user(client, auth_headers)
    assert "id" in fields
    assert (not fields & PERSONAL) is holds


# --8<-- [end:ret-001]


async def rows_with_email(
    sessions: async_sessionmaker[AsyncSession], email: str
) -> int:
    async with sessions() as session:
        query = select(func.count()).where(User.email == email)
        return await session.scalar(query) or 0


Delete = Callable[[httpx.AsyncClient, dict[str, str], uuid.UUID], Awaitable[None]]


async def api_delete(
    client: httpx.AsyncClient, headers: dict[str, str], user_id: uuid.UUID
) -> None:
    """DELETE /api/v1/users/me, as the user asks for it."""
    response = await client.delete("/api/v1/users/me", headers=headers)
    assert response.status_code == 204, response.text


def service_delete(sessions: async_sessionmaker[AsyncSession]) -> Delete:
    """Do: the service's deletion endpoint."""
    return api_delete


def demo_delete(sessions: async_sessionmaker[AsyncSession]) -> Delete:
    """Don't: the demo's "deletion", in a transaction of its own."""

    async def delete(
        client: httpx.AsyncClient, headers: dict[str, str], user_id: uuid.UUID
    ) -> None:
        async with sessions.begin() as session:
            await ret_flag_only_delete.delete_account(session, user_id)

    return delete


# --8<-- [start:ret-005]
@pytest.mark.rule("RET-005")
@pytest.mark.parametrize(
    ("make_delete", "holds"),
    [(service_delete, True), (demo_delete, False)],
    ids=["do", "dont"],
)
async def test_a_deletion_request_erases_the_persons_data(
    *,
    make_delete: Callable[[async_sessionmaker[AsyncSession]], Delete],
    holds: bool,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """After the deletion, the e-mail address is nowhere in the account table."""
    user = await register(client)
    headers = bearer(await sign_in(client, user))
    me = (await client.get("/api/v1/users/me", headers=headers)).json()
    await make_delete(sessions)(client, headers, uuid.UUID(me["id"]))
    assert (await rows_with_email(sessions, user.email.lower()) == 0) is holds
    signed_out = await client.get("/api/v1/users/me", headers=headers)
    assert (signed_out.status_code == 401) is holds  # the token dies with the account


@pytest.mark.rule("RET-005")
async def test_the_auth_purges_delete_only_what_has_expired(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
) -> None:
    """Expired and fresh sessions and counters: one job run, only the expired go."""
    now = datetime.now(UTC)
    fresh, expired = uuid.uuid4(), uuid.uuid4()
    async with sessions.begin() as session:
        user = User(email="ret@example.com", display_name="R", password_hash="-")
        session.add(user)
        await session.flush()
        for session_id, ends in ((fresh, now + DAY), (expired, now - DAY)):
            session.add(UserSession(id=session_id, user_id=user.id, expires_at=ends))
        session.add_all(
            RateLimitCounter(key=key, refills_at=at)
            for key, at in (("t:fresh", now + DAY), ("t:expired", now - DAY))
        )

    steps = purge_steps(PurgeSettings.model_validate({"database_url": database_url}))
    purged = await purge(sessions, steps, now=now)  # what the scheduled job runs
    async with sessions() as session:
        left = (await session.scalars(select(UserSession.id))).all()
        keys = (await session.scalars(select(RateLimitCounter.key))).all()

    assert purged == {
        "worker_processed_job": 0,
        "worker_dead_job": 0,
        "task_import": 0,
        "task_idempotency_key": 0,
        "user_session": 1,
        "user_refresh_token": 0,
        "rate_limit_counter": 1,
    }
    assert (left, keys) == ([fresh], ["t:fresh"])


# --8<-- [end:ret-005]
