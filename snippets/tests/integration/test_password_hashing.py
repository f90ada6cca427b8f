"""Argon2 off the event loop, a bounded number at a time, upgraded when it ages."""

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import argon2
import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.users.models import User
from tests.conftest import register

TOKEN = "/api/v1/auth/token"
SIGN_INS = 6


@dataclass
class HashSpy:
    """Counts argon2 verifications as they run, in whatever thread they run."""

    running: int = 0
    most_at_once: int = 0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, verify: Callable[..., bool]) -> Callable[..., bool]:
        def spied(*args: Any, **kwargs: Any) -> bool:  # noqa: ANN401  # argon2's own
            with self.lock:
                self.running += 1
                self.calls += 1
                self.most_at_once = max(self.most_at_once, self.running)
            try:
                return verify(*args, **kwargs)
            finally:
                with self.lock:
                    self.running -= 1

        return spied


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The production cost (the suite's other tests hash cheaply): real argon2 work."""
    production = {
        name: Settings.model_fields[name].default
        for name in ("password_hash_time_cost", "password_hash_memory_kib")
    }
    return settings.model_copy(
        update=production | {"password_hash_weak_for_tests": False}
    )


@pytest.fixture
def hash_spy(monkeypatch: pytest.MonkeyPatch) -> HashSpy:
    """The real argon2 verify, wrapped: nothing is stubbed, only watched."""
    spy = HashSpy()
    monkeypatch.setattr(
        argon2.PasswordHasher, "verify", spy.wrap(argon2.PasswordHasher.verify)
    )
    return spy


async def test_the_loop_keeps_running_while_passwords_are_checked(
    client: httpx.AsyncClient, settings: Settings, hash_spy: HashSpy
) -> None:
    """A ticker gets turns while argon2 runs, and at most N hashes run at once."""
    users = [await register(client) for _ in range(SIGN_INS)]
    ticks_while_hashing = 0
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks_while_hashing
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
            ticks_while_hashing += hash_spy.running > 0

    async def sign_in(form: dict[str, str]) -> int:
        return (await client.post(TOKEN, data=form)).status_code

    ticking = asyncio.create_task(ticker())
    statuses = await asyncio.gather(
        *(sign_in({"username": u.email, "password": u.password}) for u in users)
    )
    done.set()
    await ticking

    print(f"\nloop lag during {SIGN_INS} sign-ins: max {max(gaps) * 1000:.0f} ms")  # noqa: T201  # a figure, not a check
    assert statuses == [200] * SIGN_INS
    assert hash_spy.calls == SIGN_INS
    assert ticks_while_hashing > 0  # on the loop it would be exactly 0
    assert hash_spy.most_at_once == settings.password_hash_concurrency


async def test_an_old_hash_is_upgraded_at_sign_in(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A hash made with weaker parameters is replaced by one of today's."""
    user = await register(client)
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    async with sessions.begin() as session:
        stored = weak.hash(user.password)
        await session.execute(
            update(User).where(User.email == user.email).values(password_hash=stored)
        )

    signed_in = await client.post(
        TOKEN, data={"username": user.email, "password": user.password}
    )
    async with sessions() as session:
        upgraded = await session.scalar(
            select(User.password_hash).where(User.email == user.email)
        )

    assert signed_in.status_code == 200, signed_in.text
    assert upgraded is not None
    assert upgraded != stored
    assert not argon2.PasswordHasher().check_needs_rehash(upgraded)
    assert argon2.PasswordHasher().verify(upgraded, user.password)


async def test_a_wrong_password_upgrades_nothing(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Only a verified password may be re-hashed."""
    user = await register(client)
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    stored = weak.hash(user.password)
    async with sessions.begin() as session:
        await session.execute(
            update(User).where(User.email == user.email).values(password_hash=stored)
        )

    wrong = await client.post(
        TOKEN, data={"username": user.email, "password": "Wrong-guess-123"}
    )
    async with sessions() as session:
        kept = await session.scalar(
            select(User.password_hash).where(User.email == user.email)
        )

    assert wrong.status_code == 401
    assert kept == stored
