"""Proofs of the Application Creation and Lifespan rules."""

from collections.abc import Callable

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.config import Settings, app_settings
from app.main import create_app
from demos import app_module_level_app, app_on_event, ext_client_per_call

REAL_CLIENT = httpx.AsyncClient  # kept before any test swaps it out


def service_app() -> FastAPI:
    """The real app from its factory; its engine is created but never connects."""
    settings = Settings(
        database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:9/none"),
        jwt_secret=SecretStr("x" * 32),
        environment="test",
    )
    return create_app(settings)


async def lifespan_closes_what_it_opens(app: FastAPI) -> bool:
    """No startup/shutdown handlers; what the lifespan opens is closed after it."""
    if app.router.on_startup or app.router.on_shutdown:
        return False
    async with LifespanManager(app):
        client: httpx.AsyncClient | None = getattr(app.state, "http_client", None)
        opened = client is not None and not client.is_closed
    return opened and client is not None and client.is_closed


# --8<-- [start:app-001]
@pytest.mark.rule("APP-001")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_app, True), (lambda: app_on_event.app, False)],
    ids=["do", "dont"],
)
async def test_app_001_one_lifespan_opens_and_closes(
    *, build: Callable[[], FastAPI], holds: bool
) -> None:
    """Startup and shutdown are one lifespan function, and shutdown closes."""
    assert await lifespan_closes_what_it_opens(build()) is holds


# --8<-- [end:app-001]


class CountingClient(REAL_CLIENT):
    """An httpx client that counts itself and answers every call locally."""

    opened: list["CountingClient"] = []  # noqa: RUF012  # reset by each test

    def __init__(self, **options: object) -> None:
        options.pop("transport", None)
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json={}))
        super().__init__(transport=transport)
        CountingClient.opened.append(self)


def rates_app() -> FastAPI:
    app = FastAPI()
    app.include_router(ext_client_per_call.router)
    return app


# --8<-- [start:app-002]
@pytest.mark.rule("APP-002")
@pytest.mark.parametrize(
    ("build", "path", "holds"),
    [(service_app, "/healthz", True), (rates_app, "/rates", False)],
    ids=["do", "dont"],
)
async def test_app_002_one_client_per_process_closed_at_shutdown(
    *,
    monkeypatch: pytest.MonkeyPatch,
    build: Callable[[], FastAPI],
    path: str,
    holds: bool,
) -> None:
    """Start, serve two requests, stop: one client was opened, and it is closed."""
    CountingClient.opened = []
    monkeypatch.setattr(httpx, "AsyncClient", CountingClient)
    async with LifespanManager(build()) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with REAL_CLIENT(transport=transport, base_url="http://a") as client:
            for _ in range(2):
                assert (await client.get(path)).status_code == 200
    clients = CountingClient.opened
    assert (len(clients) == 1 and all(c.is_closed for c in clients)) is holds


# --8<-- [end:app-002]


def module_level_app() -> FastAPI:
    return app_module_level_app.app


# --8<-- [start:app-003]
@pytest.mark.rule("APP-003")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_app, True), (module_level_app, False)],
    ids=["do", "dont"],
)
def test_app_003_each_test_gets_its_own_app(
    *, build: Callable[[], FastAPI], holds: bool
) -> None:
    """An override one test sets on its app is not seen by the next test's app."""
    first = build()
    first.dependency_overrides[app_settings] = service_app
    try:
        second = build()
        assert (app_settings not in second.dependency_overrides) is holds
    finally:
        first.dependency_overrides.clear()


# --8<-- [end:app-003]


class FailingToCloseClient(httpx.AsyncClient):
    """A client whose close fails, as a half-dead connection's can at shutdown."""

    async def aclose(self) -> None:
        await super().aclose()
        raise RuntimeError("close failed")


@pytest.mark.rule("APP-001")
async def test_a_client_that_fails_to_close_does_not_leave_the_others_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shutdown closes every client, last opened first, whatever one of them raises."""
    monkeypatch.setattr(httpx, "AsyncClient", FailingToCloseClient)
    app = service_app()
    with pytest.raises(RuntimeError, match="close failed"):
        async with LifespanManager(app):
            pool = app.state.engine.pool

    assert app.state.engine.pool is not pool  # dispose() replaced the pool
