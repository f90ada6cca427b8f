"""Waiting for a password hash holds no pooled connection, and the queue is bounded.

Sign-ins that looked the account up on the request session and then queued for one
of the few hash slots held a connection and an open transaction each: 40 of them
from different addresses took the whole pool, and every other request got a 503.
Here argon2 is held at a gate while the hashes are in flight, so the state is
counted, not timed.
"""

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import argon2
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import Settings
from app.main import create_app
from app.users import service as user_service
from app.users.models import User
from tests.app_client import app_client

POOL = 2
HASHES_AT_ONCE = 2
MAY_WAIT = 3
REQUESTS = 10  # 2 hashing, 3 waiting, 5 refused at once
PASSWORD = "Current-password-1"
GATE_SECONDS = 30  # the gate opens by itself: a failing test never hangs
IDLE_IN_TRANSACTION = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND state = 'idle in transaction'"
)


class Gate:
    """Holds every argon2 call until opened; counts the calls that reached it."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.reached = 0
        self._lock = threading.Lock()

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401  # argon2's own
            with self._lock:
                self.reached += 1
            self.opened.wait(GATE_SECONDS)
            return function(*args, **kwargs)

        return gated


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    changes = {
        "db_pool_size": POOL,
        "db_max_overflow": 0,
        "password_hash_concurrency": HASHES_AT_ONCE,
        "password_hash_max_waiting": MAY_WAIT,
        # One test address sends them all: only the hash queue may refuse.
        "login_attempts_per_address": 1000,
        "registrations_per_address": 1000,
    }
    return create_app(Settings.model_validate(settings.model_dump() | changes))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(app) as client:
        yield client


async def new_user(app: FastAPI, password_hash: str) -> dict[str, str]:
    """A user inserted directly, signed in: (email, Authorization)."""
    sessions: async_sessionmaker[AsyncSession] = app.state.sessions
    async with sessions.begin() as session:
        user = User(
            email=f"{uuid.uuid4().hex}@example.com",
            display_name="Q",
            password_hash=password_hash,
        )
        session.add(user)
        await session.flush()
        tokens = await user_service.start_session(session, app.state.settings, user)
    return {"email": user.email, "Authorization": f"Bearer {tokens.access_token}"}


Send = Callable[
    [httpx.AsyncClient, dict[str, str]], Coroutine[Any, Any, httpx.Response]
]


async def sign_in(client: httpx.AsyncClient, user: dict[str, str]) -> httpx.Response:
    form = {"username": f"ghost-{uuid.uuid4().hex}@example.com", "password": "Pw-1"}
    return await client.post("/api/v1/auth/token", data=form)


async def register(client: httpx.AsyncClient, user: dict[str, str]) -> httpx.Response:
    body = {
        "email": f"{uuid.uuid4().hex}@example.com",
        "display_name": "R",
        "password": "A-long-enough-pw-7",
    }
    return await client.post("/api/v1/users", json=body)


async def change_password(
    client: httpx.AsyncClient, user: dict[str, str]
) -> httpx.Response:
    body = {"current_password": PASSWORD, "new_password": "A-new-long-pw-8"}
    headers = {"Authorization": user["Authorization"]}
    return await client.post("/api/v1/users/me/password", json=body, headers=headers)


async def until(condition: Callable[[], bool]) -> bool:
    # 5 s at most (under the idle-in-transaction timeout): the asserts say what
    for _ in range(500):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return False


@pytest.mark.parametrize("send", [sign_in, register, change_password])
async def test_hashing_holds_no_connection_and_its_queue_is_bounded(
    app: FastAPI,
    client: httpx.AsyncClient,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    send: Send,
) -> None:
    stored = argon2.PasswordHasher().hash(PASSWORD)
    users = [await new_user(app, stored) for _ in range(REQUESTS)]
    victim = await new_user(app, stored)
    await client.post(
        "/api/v1/auth/token", data={"username": "w@x.io", "password": "w"}
    )
    gate = Gate()
    for name in ("hash", "verify"):
        original = getattr(argon2.PasswordHasher, name)
        monkeypatch.setattr(argon2.PasswordHasher, name, gate.wrap(original))
    observer = create_async_engine(database_url, poolclass=NullPool)

    requests = [asyncio.create_task(send(client, user)) for user in users]
    try:
        assert await until(lambda: gate.reached == HASHES_AT_ONCE), gate.reached
        # A stable state: the rest wait for a slot, or have been refused.
        refused_at_once = REQUESTS - HASHES_AT_ONCE - MAY_WAIT
        await until(lambda: sum(task.done() for task in requests) == refused_at_once)
        finished_while_hashing = sum(task.done() for task in requests)
        async with observer.connect() as connection:
            idle_in_transaction = await connection.scalar(IDLE_IN_TRANSACTION)
        victim_headers = {"Authorization": victim["Authorization"]}
        victim_read = await client.get("/api/v1/tasks", headers=victim_headers)
    finally:
        gate.opened.set()
        responses = await asyncio.gather(*requests)
        await observer.dispose()

    print(f"\nidle in transaction while hashing: {idle_in_transaction}")  # noqa: T201  # a figure
    assert idle_in_transaction == 0
    assert victim_read.status_code == 200, victim_read.text
    assert finished_while_hashing == refused_at_once
    refused = [r for r in responses if r.status_code == 503]
    assert len(refused) == refused_at_once, [r.status_code for r in responses]
    for response in refused:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "server-busy"
        assert response.headers["retry-after"] == "1"
        assert response.headers.get("x-request-id")
    assert all(r.status_code < 500 for r in responses if r not in refused)
