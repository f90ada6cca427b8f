"""Database waits and outages are a 503 wherever the query runs, not only in SessionDep.

The rate limits (and the short sign-in lookups) run in transactions of their own;
a lock timeout or a refused connection there was a bare 500.
"""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import Settings
from app.core.security import create_token
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import bearer, sign_up

# Every route that counts a rate limit, with a request that reaches the limit.
ROUTES: dict[str, tuple[str, dict[str, Any]]] = {
    "sign-in": (
        "/api/v1/auth/token",
        {"data": {"username": "a@example.com", "password": "Pw-123456789"}},
    ),
    "refresh": ("/api/v1/auth/refresh", {"json": {"refresh_token": "x" * 40}}),
    "register": (
        "/api/v1/users",
        {
            "json": {
                "email": "b@example.com",
                "display_name": "B",
                "password": "A-long-enough-pw-7",
            }
        },
    ),
    "password-change": (
        "/api/v1/users/me/password",
        {"json": {"current_password": "x", "new_password": "A-new-long-pw-8"}},
    ),
}
UNREACHABLE = "postgresql+asyncpg://app:pw@127.0.0.1:1/tasks"  # port 1: refused


@asynccontextmanager
async def locked_counters(database_url: str) -> AsyncIterator[None]:
    """The rate-limit table locked by another session, as a migration would."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.execute(
            text("LOCK TABLE rate_limit_counter IN ACCESS EXCLUSIVE MODE")
        )
        yield
        await connection.rollback()
    await engine.dispose()


def assert_503(response: httpx.Response, code: str, retry_after: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert response.headers["retry-after"] == retry_after
    assert response.headers.get("x-request-id")
    assert response.headers.get("x-content-type-options") == "nosniff"


@pytest.mark.parametrize("route", ROUTES)
async def test_a_lock_timeout_in_a_rate_limit_is_a_503(
    settings: Settings, database_url: str, route: str
) -> None:
    app = create_app(
        settings.model_copy(update={"db_lock_timeout": timedelta(seconds=0.2)})
    )
    path, kwargs = ROUTES[route]
    async with app_client(app) as client:
        headers = bearer(await sign_up(client))
        async with locked_counters(database_url):
            response = await client.post(path, headers=headers, **kwargs)

    assert_503(response, "database-busy", "1")


@pytest.mark.parametrize("route", ROUTES)
async def test_an_unreachable_database_outside_the_session_is_a_503(
    settings: Settings, route: str
) -> None:
    broken = settings.model_copy(update={"database_url": SecretStr(UNREACHABLE)})
    app = create_app(broken)
    path, kwargs = ROUTES[route]
    # A valid token needs no database: the session check is the first query.
    token, _ = create_token(
        broken, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with app_client(app) as client:
        response = await client.post(path, **kwargs, headers=headers)

    assert_503(response, "database-unavailable", "5")
