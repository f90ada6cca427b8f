"""Probes, and the OpenAPI document when docs are switched on."""

import asyncio

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.config import Settings
from app.main import create_app
from tests.app_client import app_client
from tests.servers import silent_peer


async def serve(app: FastAPI, path: str) -> httpx.Response:
    async with app_client(app) as client:
        return await client.get(path)


async def test_readyz_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok"}


async def test_readyz_is_503_when_the_database_is_down(settings: Settings) -> None:
    """Liveness stays green; readiness takes the instance out of rotation."""
    down = settings.model_copy(
        update={"database_url": SecretStr("postgresql+asyncpg://u:p@127.0.0.1:1/db")}
    )

    response = await serve(create_app(down), "/readyz")

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "database-unavailable"


async def test_readyz_is_503_when_the_database_never_answers(
    settings: Settings,
) -> None:
    """A database that accepts and stays silent: readiness answers 503 on its
    own deadline (connect_timeout), instead of hanging the orchestrator's probe."""
    with silent_peer() as peer:
        url = SecretStr(f"postgresql+asyncpg://u:p@{peer}/db")
        stalled = create_app(settings.model_copy(update={"database_url": url}))
        async with asyncio.timeout(10):  # a hang fails the test, not CI
            response = await serve(stalled, "/readyz")

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "database-unavailable"


async def test_openapi_documents_problems_and_the_deprecation(
    settings: Settings,
) -> None:
    """Errors are application/problem+json; the PUT is flagged deprecated."""
    app = create_app(settings.model_copy(update={"docs_enabled": True}))

    document = (await serve(app, "/openapi.json")).json()

    assert app.openapi() is app.openapi()  # built once, then cached
    assert document["info"]["x-logo"]["altText"] == "Tasks API"
    item = document["paths"]["/api/v1/tasks/{task_id}"]
    assert item["put"]["deprecated"] is True
    assert set(item["get"]["responses"]["404"]["content"]) == {
        "application/problem+json"
    }
    money = document["components"]["schemas"]["Money"]["properties"]  # one, in and out
    assert money["amount"]["type"] == "string"
    assert (await serve(app, "/docs")).status_code == 200
