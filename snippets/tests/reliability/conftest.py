"""The real app on a uvicorn socket against the suite's PostgreSQL, for timing tests.

`live_server(**settings)` starts one app with those settings changed and yields
a `LiveServer`; any test of this folder (slow clients, pool exhaustion, loop lag
during sign-ins) uses it the same way:

    async with live_server(db_pool_size=2) as server:
        async with httpx.AsyncClient(base_url=server.url) as client: ...
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.main import create_app
from tests.factories import UserCreateFactory
from tests.servers import serve_on_socket


@dataclass(frozen=True)
class LiveServer:
    """A running server: its URL, host and port, and the app (for its state)."""

    url: str
    app: FastAPI

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        assert parts.hostname is not None
        assert parts.port is not None
        return parts.hostname, parts.port


LiveServerFactory = Callable[..., AbstractAsyncContextManager[LiveServer]]


@pytest.fixture
def live_server(settings: Settings) -> LiveServerFactory:
    """Start the app on 127.0.0.1:<free port> with some settings changed."""

    @asynccontextmanager
    async def start(
        *,
        send_buffer: int | None = None,
        uvicorn_options: dict[str, object] | None = None,
        **changes: object,
    ) -> AsyncIterator[LiveServer]:
        app = create_app(Settings.model_validate(settings.model_dump() | changes))
        options = uvicorn_options or {}
        async with serve_on_socket(app, send_buffer=send_buffer, **options) as url:
            yield LiveServer(url=url, app=app)

    return start


async def signed_up(client: httpx.AsyncClient) -> dict[str, str]:
    """Register a user on the live server and return its Authorization header."""
    user = UserCreateFactory.build(factory_use_construct=False)
    created = await client.post("/api/v1/users", json=user.model_dump(mode="json"))
    assert created.status_code == 202, created.text
    form = {"username": user.email, "password": user.password}
    token = await client.post("/api/v1/auth/token", data=form)
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}
