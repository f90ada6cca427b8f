"""Sign-in, refresh and registration limits, keyed on who really calls."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.core.config import Settings
from app.main import create_app
from tests.app_client import state_per_request
from tests.factories import UserCreateFactory

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"
USERS = "/api/v1/users"
PASSWORD = "/api/v1/users/me/password"
ATTACKER, VICTIM, PROXY = "198.51.100.66", "203.0.113.7", "10.0.0.2"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """An hour's window: no slot refills while a slow machine runs the test."""
    return settings.model_copy(update={"login_attempt_window": timedelta(hours=1)})


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    async with LifespanManager(state_per_request(app)) as manager:
        yield manager.app  # type: ignore[misc]  # an ASGI app, typed as such by Starlette


def client_from(app: FastAPI, address: str) -> httpx.AsyncClient:
    """A client whose TCP peer is `address` (what the server sees as the socket)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def registered(app: FastAPI, address: str = "192.0.2.1") -> dict[str, str]:
    """Register a user from some address; returns its sign-in form."""
    data = UserCreateFactory.build(factory_use_construct=False)
    async with client_from(app, address) as client:
        response = await client.post(USERS, json=data.model_dump(mode="json"))
    assert response.status_code == 202, response.text
    return {"username": data.email, "password": data.password}


async def test_junk_attempts_from_one_address_do_not_lock_the_victim_out(
    settings: Settings,
) -> None:
    """The attacker's address is throttled on this account; the owner is not."""
    async with running(create_app(settings)) as app:
        form = await registered(app)
        wrong = form | {"password": "Wrong-guess-123"}
        async with client_from(app, ATTACKER) as attacker:
            junk = [
                (await attacker.post(TOKEN, data=wrong)).status_code for _ in range(25)
            ]
            still_attacker = await attacker.post(TOKEN, data=form)
        async with client_from(app, VICTIM) as victim:
            owner = await victim.post(TOKEN, data=form)

    assert junk[:5] == [401] * 5
    assert set(junk[5:]) == {429}
    assert still_attacker.status_code == 429  # even with the right password
    interval = (
        settings.login_attempt_window / settings.login_attempts_per_address_and_account
    )
    assert 0 < int(still_attacker.headers["retry-after"]) <= interval.total_seconds()
    assert owner.status_code == 200, owner.text


async def test_many_addresses_slow_an_account_down_but_never_lock_it(
    settings: Settings,
) -> None:
    """Past the account's burst every address waits its turn: a 429 of seconds."""
    async with running(create_app(settings)) as app:
        form = await registered(app)
        wrong = form | {"password": "Wrong-guess-123"}
        statuses = []
        for bot in range(15):
            async with client_from(app, f"198.51.100.{bot}") as client:
                statuses.append((await client.post(TOKEN, data=wrong)).status_code)
        async with client_from(app, VICTIM) as victim:
            slowed = await victim.post(TOKEN, data=form)

    per_account = settings.login_attempts_per_account
    assert statuses[:per_account] == [401] * per_account
    assert set(statuses[per_account:]) == {429}
    assert slowed.status_code == 429
    # The next attempt is allowed after one interval, not after the whole window.
    interval = settings.login_attempt_window / per_account
    assert int(slowed.headers["retry-after"]) <= interval.total_seconds() + 1


async def exhaust_account(app: FastAPI, email: str, bots: int = 15) -> list[int]:
    """Wrong guesses at one account, one from each of `bots` fresh addresses."""
    statuses = []
    for bot in range(bots):
        async with client_from(app, f"198.51.100.{bot}") as client:
            form = {"username": email, "password": "Wrong-guess-123"}
            statuses.append((await client.post(TOKEN, data=form)).status_code)
    return statuses


async def test_an_owner_from_a_known_address_is_not_paced_by_a_distributed_attack(
    settings: Settings,
) -> None:
    """Signed in once from an address, the owner skips the per-account pace there."""
    async with running(create_app(settings)) as app:
        form = await registered(app)
        async with client_from(app, VICTIM) as victim:
            first = await victim.post(TOKEN, data=form)
            attack = await exhaust_account(app, form["username"])
            known = await victim.post(TOKEN, data=form)
        async with client_from(app, "203.0.113.8") as new_address:
            paced = await new_address.post(TOKEN, data=form)
            ghost = {"username": "nobody@example.com", "password": "x"}
            await exhaust_account(app, ghost["username"])
            ghost_paced = await new_address.post(TOKEN, data=ghost)

    assert first.status_code == 200, first.text
    assert 429 in attack, attack  # the account's bucket is empty
    assert known.status_code == 200, known.text
    # Anywhere else the pace still holds, and alike for an account that does
    # not exist: the answer tells no one whether it does.
    assert paced.status_code == ghost_paced.status_code == 429
    assert paced.json() == ghost_paced.json()
    interval = settings.login_attempt_window / settings.login_attempts_per_account
    for refused in (paced, ghost_paced):
        assert 0 < int(refused.headers["retry-after"]) <= interval.total_seconds()


async def test_a_password_change_from_a_known_address_is_not_paced_either(
    settings: Settings,
) -> None:
    """The same limits as sign-in: the known address goes past the empty bucket."""
    async with running(create_app(settings)) as app:
        form = await registered(app)
        change = {
            "current_password": form["password"],
            "new_password": "New-password-98765",
        }
        async with client_from(app, VICTIM) as victim:
            tokens = (await victim.post(TOKEN, data=form)).json()
            bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
            await exhaust_account(app, form["username"])
            async with client_from(app, "203.0.113.8") as new_address:
                paced = await new_address.post(PASSWORD, json=change, headers=bearer)
            changed = await victim.post(PASSWORD, json=change, headers=bearer)

    assert paced.status_code == 429, paced.text
    assert changed.status_code == 204, changed.text


async def test_a_rotated_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    settings: Settings,
) -> None:
    """Only a trusted proxy may name the client; anyone else is their own address."""
    trusting = settings.model_copy(update={"trusted_proxies": [PROXY]})
    async with running(create_app(trusting)) as app:
        statuses = []
        async with client_from(app, ATTACKER) as attacker:
            for n in range(settings.login_attempts_per_address + 1):
                forged = {"X-Forwarded-For": f"192.0.2.{n}"}
                form = {"username": f"user{n}@example.com", "password": "x"}
                response = await attacker.post(TOKEN, data=form, headers=forged)
                statuses.append(response.status_code)

    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {401}


async def test_clients_behind_a_trusted_proxy_are_told_apart(
    settings: Settings,
) -> None:
    """Behind the proxy, one client's junk does not block the next client."""
    trusting = settings.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]})
    async with running(create_app(trusting)) as app:
        form = await registered(app)
        async with client_from(app, PROXY) as proxy:
            for n in range(settings.login_attempts_per_address + 1):
                junk = {"username": f"user{n}@example.com", "password": "x"}
                behind = {"X-Forwarded-For": f"{ATTACKER}, {PROXY}"}
                last = await proxy.post(TOKEN, data=junk, headers=behind)
            other = await proxy.post(
                TOKEN, data=form, headers={"X-Forwarded-For": VICTIM}
            )

    assert last.status_code == 429, last.text
    assert other.status_code == 200, other.text


async def test_without_trusted_proxies_the_header_changes_nothing(
    settings: Settings,
) -> None:
    """The default trusts no one: X-Forwarded-For never reaches the limiter."""
    assert settings.trusted_proxies == []
    async with running(create_app(settings)) as app, client_from(app, PROXY) as proxy:
        statuses = []
        for n in range(settings.login_attempts_per_address + 1):
            junk = {"username": f"user{n}@example.com", "password": "x"}
            forged = {"X-Forwarded-For": f"192.0.2.{n}"}
            statuses.append(
                (await proxy.post(TOKEN, data=junk, headers=forged)).status_code
            )

    assert statuses[-1] == 429


async def limited_after(
    app: FastAPI, method: str, path: str, request: dict[str, Any], limit: int
) -> list[int]:
    async with client_from(app, ATTACKER) as client:
        return [
            (await client.request(method, path, **request)).status_code
            for _ in range(limit + 1)
        ]


async def test_token_refresh_is_limited_per_address(settings: Settings) -> None:
    """Guessing or replaying refresh tokens costs a slot per try."""
    limited = settings.model_copy(update={"token_refreshes_per_address": 3})
    async with running(create_app(limited)) as app:
        statuses = await limited_after(
            app, "POST", REFRESH, {"json": {"refresh_token": "x.y.z"}}, 3
        )

    assert statuses == [401, 401, 401, 429]


async def test_registration_is_limited_per_address(settings: Settings) -> None:
    """A script cannot create accounts (or probe addresses) without end."""
    limited = settings.model_copy(update={"registrations_per_address": 2})
    async with (
        running(create_app(limited)) as app,
        client_from(app, ATTACKER) as client,
    ):
        statuses = []
        for _ in range(3):
            data = UserCreateFactory.build(factory_use_construct=False)
            response = await client.post(USERS, json=data.model_dump(mode="json"))
            statuses.append(response.status_code)

    assert statuses == [202, 202, 429]
