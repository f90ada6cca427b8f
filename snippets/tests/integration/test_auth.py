"""Sign-in, token rotation and every way a token can be wrong."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from tests.conftest import JWT_SECRET, register, sign_in

ME = "/api/v1/users/me"
REFRESH = "/api/v1/auth/refresh"


async def test_sign_in_returns_an_oauth2_token_pair(client: httpx.AsyncClient) -> None:
    """The token response follows RFC 6749 and the access token works."""
    tokens = await sign_in(client, await register(client))

    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900  # 15 minutes
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.get(ME, headers=headers)).status_code == 200


async def test_token_responses_are_never_cached(client: httpx.AsyncClient) -> None:
    """Sign-in and refresh answers carry `Cache-Control: no-store` (RFC 6749, 5.1)."""
    user = await register(client)
    form = {"username": user.email, "password": user.password}

    signed_in = await client.post("/api/v1/auth/token", data=form)
    refresh_token = signed_in.json()["refresh_token"]
    refreshed = await client.post(REFRESH, json={"refresh_token": refresh_token})

    assert signed_in.status_code == refreshed.status_code == 200, refreshed.text
    assert signed_in.headers["cache-control"] == "no-store"
    assert refreshed.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("field", ["password", "username"])
async def test_wrong_credentials_are_one_401(
    client: httpx.AsyncClient, field: str
) -> None:
    """Unknown email and wrong password are indistinguishable."""
    user = await register(client)
    form = {"username": user.email, "password": user.password, field: "Wrong-guess-123"}

    response = await client.post("/api/v1/auth/token", data=form)

    assert response.status_code == 401, response.text
    assert response.json()["code"] == "invalid-credentials"


async def test_refresh_rotates_and_a_reused_token_revokes_the_family(
    client: httpx.AsyncClient,
) -> None:
    """A refresh token works once; replaying it kills every live token."""
    first = await sign_in(client, await register(client))

    rotated = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]

    replayed = await client.post(
        REFRESH, json={"refresh_token": first["refresh_token"]}
    )
    assert replayed.status_code == 401, replayed.text
    assert replayed.json()["code"] == "refresh-token-reused"

    # The replay burnt the legitimate successor too: the thief gains nothing.
    after = await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401, after.text


def forge(
    claims: dict[str, object], *, key: str = JWT_SECRET, alg: str = "HS256"
) -> str:
    """A token with every claim the service issues, signed with `key`."""
    now = datetime.now(UTC)
    payload = {
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "type": "access",
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": "tasks-service",
        "aud": "tasks-api",
    } | claims
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": "1"})


def unsigned(claims: dict[str, object]) -> str:
    """An `alg: none` token, the classic signature bypass."""
    token = forge(claims)
    _, payload, _ = token.split(".")
    header = b'{"alg":"none","typ":"JWT","kid":"1"}'  # a known key id, no signature
    none_header = jwt.utils.base64url_encode(header).decode()
    return f"{none_header}.{payload}."


@pytest.mark.parametrize(
    "token",
    [
        forge({"exp": datetime.now(UTC) - timedelta(seconds=1)}),
        forge({}, key="another-secret-of-at-least-32-characters"),
        forge({"type": "refresh"}),
        unsigned({}),
        "not.a.jwt",
        jwt.encode({"sub": "x"}, JWT_SECRET, algorithm="HS256"),  # claims missing
    ],
    ids=["expired", "forged", "refresh-as-access", "alg-none", "garbage", "no-claims"],
)
async def test_bad_access_tokens_are_401_problems(
    client: httpx.AsyncClient, token: str
) -> None:
    """Every invalid token gets the same problem, and no hint why."""
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid-token"


async def test_token_of_a_deleted_account_is_rejected(
    client: httpx.AsyncClient,
) -> None:
    """A well-signed token for an account (and session) that does not exist: 401."""
    response = await client.get(ME, headers={"Authorization": f"Bearer {forge({})}"})

    assert response.status_code == 401, response.text
    assert response.json()["detail"] == "The session has ended or the account is gone."


async def test_missing_token_is_401_with_challenge(client: httpx.AsyncClient) -> None:
    """No token: a problem plus the WWW-Authenticate header OAuth2 requires."""
    response = await client.get(ME)

    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient) -> None:
    """Token types are not interchangeable in either direction."""
    tokens = await sign_in(client, await register(client))

    response = await client.post(
        REFRESH, json={"refresh_token": tokens["access_token"]}
    )

    assert response.status_code == 401, response.text
    assert response.json()["code"] == "invalid-token"
