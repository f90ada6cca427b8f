"""A battery of hostile inputs: each gets its problem document, never a 500."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.users import service as user_service
from app.users.models import User
from tests.conftest import JWT_SECRET

TASKS = "/api/v1/tasks"


@pytest.fixture
async def auth_headers(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> dict[str, str]:
    """A user inserted directly, with a session started: no argon2 in every case."""
    async with sessions.begin() as session:
        user = User(
            email=f"{uuid.uuid4().hex}@example.com", display_name="H", password_hash="-"
        )
        session.add(user)
        await session.flush()
        tokens = await user_service.start_session(session, settings, user)
    return {"Authorization": f"Bearer {tokens.access_token}"}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token(claims: dict[str, Any], *, secret: str = JWT_SECRET) -> str:
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "sub": "5f0c2a8e-9d1b-4c3e-8f6a-1b2c3d4e5f60",
        "type": "access",
    }
    payload |= {"jti": "0b8e4a52-53cb-4b47-a4b4-6f1f3dcb3f5c", "iat": now}
    payload |= {"exp": now + timedelta(minutes=5)} | claims
    return jwt.encode(payload, secret, algorithm="HS256")


NONE_HEADER = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
ALG_NONE = f"{NONE_HEADER}.{b64(json.dumps({'sub': 'x'}).encode())}."
JSON = {"Content-Type": "application/json"}
CASES = [
    ("GET", f"{TASKS}?limit=100000000000000000000000", {}, 422, "validation-error"),
    ("GET", f"{TASKS}?limit=-1", {}, 422, "validation-error"),
    ("GET", f"{TASKS}?offset=-5", {}, 422, "validation-error"),
    ("GET", f"{TASKS}?offset=99999999999", {}, 422, "validation-error"),
    ("GET", f"{TASKS}?cursor=%%%not-base64", {}, 400, "invalid-cursor"),
    ("GET", f"{TASKS}?cursor={b64(b'[]')}", {}, 400, "invalid-cursor"),
    ("GET", f"{TASKS}?cursor={b64(bytes(range(256)))}", {}, 400, "invalid-cursor"),
    ("GET", f"{TASKS}?cursor=a%00b", {}, 400, "invalid-cursor"),
    ("GET", f"{TASKS}?sort=password", {}, 422, "validation-error"),
    ("GET", f"{TASKS}/not-a-uuid", {}, 422, "validation-error"),
    ("GET", f"{TASKS}/00000000-0000-0000-0000-000000000000", {}, 404, "task-not-found"),
    ("POST", TASKS, {"content": b"{", "headers": JSON}, 422, "validation-error"),
    ("POST", TASKS, {"content": b"[]", "headers": JSON}, 422, "validation-error"),
    (
        "POST",
        TASKS,
        {"content": b"x" * 70_000, "headers": JSON},
        413,
        "content-too-large",
    ),
    (
        "POST",
        TASKS,
        {"content": b"<t/>", "headers": {"Content-Type": "text/xml"}},
        415,
        "unsupported-media-type",
    ),
    ("POST", TASKS, {"json": {"title": "a\x00b"}}, 422, "validation-error"),
    (
        "POST",
        TASKS,
        {"content": b'{"title": "\\ud800"}', "headers": JSON},
        422,
        "validation-error",
    ),
    (
        "POST",
        TASKS,
        {"json": {"title": "x", "description": "\x00"}},
        422,
        "validation-error",
    ),
    ("POST", TASKS, {"json": {"title": "x" * 201}}, 422, "validation-error"),
    (
        "POST",
        TASKS,
        {"json": {"title": "x", "budget": {"amount": "-1", "currency": "EUR"}}},
        422,
        "validation-error",
    ),
    (
        "POST",
        TASKS,
        {"json": {"title": "x", "budget": {"amount": 1e308, "currency": "EUR"}}},
        422,
        "validation-error",
    ),
    (
        "POST",
        TASKS,
        {"json": {"title": "x", "due_at": "2027-01-01T00:00:00"}},
        422,
        "validation-error",
    ),
    (
        "POST",
        TASKS,
        {"json": {"title": "x"}, "headers": {"Idempotency-Key": "bad key!"}},
        422,
        "validation-error",
    ),
    (
        "PATCH",
        f"{TASKS}/00000000-0000-0000-0000-000000000000",
        {"json": {"title": None}},
        422,
        "validation-error",
    ),
    ("GET", TASKS, {"headers": {"If-None-Match": "x" * 2000}}, 422, "validation-error"),
    (
        "POST",
        "/api/v1/users",
        {
            "json": {
                "email": "a@example.com",
                "display_name": "\x00",
                "password": "Long-enough-pw-1",
            }
        },
        422,
        "validation-error",
    ),
    (
        "POST",
        "/api/v1/users",
        {
            "json": {
                "email": "a\x00@example.com",
                "display_name": "A",
                "password": "Long-enough-pw-1",
            }
        },
        422,
        "validation-error",
    ),
    (
        "POST",
        "/api/v1/auth/token",
        {"data": {"username": "a\x00@example.com", "password": "x"}},
        401,
        "invalid-credentials",
    ),
    (
        "POST",
        "/api/v1/auth/token",
        {"data": {"username": "a@example.com", "password": "\x00"}},
        401,
        "invalid-credentials",
    ),
    (
        "POST",
        "/api/v1/auth/refresh",
        {"json": {"refresh_token": "a\x00b"}},
        401,
        "invalid-token",
    ),
]
IDS = [
    "huge-limit",
    "negative-limit",
    "negative-offset",
    "huge-offset",
    "cursor-not-base64",
    "cursor-wrong-shape",
    "cursor-binary",
    "cursor-nul",
    "sort-not-whitelisted",
    "id-not-uuid",
    "id-unknown",
    "malformed-json",
    "json-array",
    "oversize-body",
    "wrong-content-type",
    "nul-in-title",
    "lone-surrogate",
    "nul-in-description",
    "title-too-long",
    "negative-money",
    "float-money",
    "naive-datetime",
    "bad-idempotency-key",
    "null-title-patch",
    "oversize-header",
    "nul-display-name",
    "nul-email",
    "nul-login",
    "nul-password",
    "nul-refresh-token",
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), CASES, ids=IDS)
async def test_hostile_input_is_a_problem_document(
    *,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    """The documented status and stable code, as application/problem+json."""
    headers = auth_headers | kwargs.pop("headers", {})

    response = await client.request(method, path, headers=headers, **kwargs)

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "bearer",
    [
        token({"exp": datetime.now(UTC) - timedelta(minutes=1)}),
        token({}, secret="forged-secret-that-is-also-32-characters"),
        ALG_NONE,
        token({"type": "refresh"}),
        "\u202egarbage\u200b",
    ],
    ids=["expired", "forged", "alg-none", "refresh-as-access", "odd-unicode"],
)
async def test_hostile_tokens_are_401(client: httpx.AsyncClient, bearer: str) -> None:
    """Every bad token on a tasks endpoint is the same 401 problem."""
    headers = {b"Authorization": f"Bearer {bearer}".encode()}

    response = await client.get(TASKS, headers=headers)

    assert response.status_code == 401, response.text
    assert response.json()["code"] == "invalid-token"


async def test_odd_but_valid_unicode_round_trips(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """RTL override, zero-width space, emoji and combining marks are just text."""
    title = "\u202eevil\u200b 👍 e\u0301 \U0010ffff"

    created = await client.post(TASKS, json={"title": title}, headers=auth_headers)

    assert created.status_code == 201, created.text
    assert created.json()["title"] == title
