"""Shared fixtures: settings, the app, an async client and signed-in users."""

import gc
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.main import create_app
from app.users.constants import Role
from app.users.dependencies import get_mail_sender
from app.users.models import User
from app.users.schemas import UserCreate
from tests.app_client import app_client
from tests.factories import RecordingMailSender, UserCreateFactory

# `database_url`: a migrated PostgreSQL, emptied after every test; `redis_url`:
# a Redis, flushed after every test that uses it.
pytest_plugins = ["tests.plugins.postgres", "tests.plugins.redis"]

JWT_SECRET = "test-only-secret-that-is-32-chars-or-more"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what the imports and the collection built out of the collector's reach.

    They live for the whole run; without this, every test's `gc.collect()` below
    walks all of them again (a quarter of the integration suite's time)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """Finalise each test's garbage at its own teardown, not at random later.

    Every test builds its own app; left to the collector, their cycles pile up and the
    finalizer of a socket a test leaked runs in the middle of a later test, on a loop
    that is not its own. Collected here, the leak's ResourceWarning is raised while its
    test is still the current one, and pyproject's filterwarnings makes it fail there.
    """
    yield
    gc.collect()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings built in code: the tests never depend on the shell's env."""
    return Settings(
        database_url=SecretStr(database_url),
        jwt_secret=SecretStr(JWT_SECRET),
        environment="test",
        max_body_bytes=64 * 1024,
        # Argon2id at its cheapest (0.1 ms a hash, not 0.15 s): the suite signs up
        # a thousand users. tests/integration/test_password_hashing.py: real cost.
        password_hash_time_cost=1,
        password_hash_memory_kib=64,
        password_hash_weak_for_tests=True,
    )


@pytest.fixture
def mail_sender() -> RecordingMailSender:
    return RecordingMailSender()


@pytest.fixture
def app(settings: Settings, mail_sender: RecordingMailSender) -> FastAPI:
    app = create_app(settings)
    app.dependency_overrides[get_mail_sender] = lambda: mail_sender
    return app


# --8<-- [start:client-fixture]
@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan running, for one test."""
    async with app_client(app) as client:
        yield client


# --8<-- [end:client-fixture]


@pytest.fixture
async def cached_client(
    settings: Settings, mail_sender: RecordingMailSender, redis_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, with the summary cached in the test Redis (REDIS_URL set)."""
    app = create_app(settings.model_copy(update={"redis_url": SecretStr(redis_url)}))
    app.dependency_overrides[get_mail_sender] = lambda: mail_sender
    async with app_client(app) as client:
        yield client


@pytest.fixture
def sessions(
    app: FastAPI, client: httpx.AsyncClient
) -> async_sessionmaker[AsyncSession]:
    """The app's own session factory (its lifespan is running via `client`)."""
    factory: async_sessionmaker[AsyncSession] = app.state.sessions
    return factory


async def register(client: httpx.AsyncClient, **overrides: str) -> UserCreate:
    """Register a user through the API; returns what was sent."""
    data = UserCreateFactory.build(factory_use_construct=False, **overrides)
    response = await client.post("/api/v1/users", json=data.model_dump(mode="json"))
    assert response.status_code == 202, response.text
    return data


async def sign_in(client: httpx.AsyncClient, user: UserCreate) -> dict[str, object]:
    """The token response of the OAuth2 password flow."""
    form = {"username": user.email, "password": user.password}
    response = await client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    tokens: dict[str, object] = response.json()
    return tokens


async def sign_up(client: httpx.AsyncClient) -> dict[str, object]:
    return await sign_in(client, await register(client))


def bearer(tokens: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
async def auth_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """An Authorization header of a freshly registered user."""
    return bearer(await sign_up(client))


@pytest.fixture
async def other_auth_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """A second, unrelated user: for ownership checks."""
    return bearer(await sign_up(client))


@pytest.fixture
async def admin_headers(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> dict[str, str]:
    """An admin: promoted in the database, as roles are never self-service."""
    user = await register(client)
    async with sessions.begin() as session:
        query = update(User).where(User.email == user.email).values(role=Role.ADMIN)
        await session.execute(query)
    return bearer(await sign_in(client, user))
