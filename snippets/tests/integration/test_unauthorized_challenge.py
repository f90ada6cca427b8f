"""Every 401 carries a `WWW-Authenticate: Bearer` challenge (RFC 9110 §15.5.2).

Only a missing token had one; an expired, forged or ended token, a wrong password and
a spent refresh token answered 401 without it, so a client could not tell which
scheme to use or that its token (RFC 6750 §3.1: `error="invalid_token"`) was refused.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from tests.conftest import JWT_SECRET, bearer, register, sign_in

TASKS = "/api/v1/tasks"
Probe = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def no_token(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get(TASKS)


async def expired_token(client: httpx.AsyncClient) -> httpx.Response:
    tokens = await sign_in(client, await register(client))
    claims = jwt.decode(
        str(tokens["access_token"]), options={"verify_signature": False}
    )
    claims["exp"] = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
    token = jwt.encode(claims, JWT_SECRET, algorithm="HS256", headers={"kid": "1"})
    return await client.get(TASKS, headers={"Authorization": f"Bearer {token}"})


async def forged_token(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get(TASKS, headers={"Authorization": "Bearer not.a.jwt"})


async def ended_session(client: httpx.AsyncClient) -> httpx.Response:
    headers = bearer(await sign_in(client, await register(client)))
    assert (
        await client.post("/api/v1/auth/logout", headers=headers)
    ).status_code == 204
    return await client.get(TASKS, headers=headers)


async def wrong_password(client: httpx.AsyncClient) -> httpx.Response:
    user = await register(client)
    form = {"username": user.email, "password": user.password + "x"}
    return await client.post("/api/v1/auth/token", data=form)


async def reused_refresh_token(client: httpx.AsyncClient) -> httpx.Response:
    tokens = await sign_in(client, await register(client))
    body = {"refresh_token": tokens["refresh_token"]}
    assert (await client.post("/api/v1/auth/refresh", json=body)).status_code == 200
    return await client.post("/api/v1/auth/refresh", json=body)


@pytest.mark.parametrize(
    ("probe", "challenge"),
    [
        (no_token, "Bearer"),
        (expired_token, 'Bearer error="invalid_token"'),
        (forged_token, 'Bearer error="invalid_token"'),
        (ended_session, 'Bearer error="invalid_token"'),
        (wrong_password, "Bearer"),
        (reused_refresh_token, 'Bearer error="invalid_token"'),
    ],
    ids=["none", "expired", "forged", "ended", "wrong-password", "reused-refresh"],
)
async def test_every_401_names_its_scheme(
    client: httpx.AsyncClient, probe: Probe, challenge: str
) -> None:
    response = await probe(client)

    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers.get("www-authenticate") == challenge
