"""Proofs of the OpenAPI template rules: the customised document is the one served."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.config import Settings
from app.main import create_app
from demos import oas_dead_logo, oas_never_installed


def docs_enabled_app() -> FastAPI:
    """The service's app with its docs on, built without a database."""
    settings = Settings(
        database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
        jwt_secret=SecretStr("appendix-d-proof-secret-with-32-chars"),
        docs_enabled=True,
    )
    return create_app(settings)


async def served_document(app: FastAPI) -> dict[str, Any]:
    """What a client or the docs pages get from /openapi.json."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.get("/openapi.json")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


# --8<-- [start:oas-001]
@pytest.mark.rule("OAS-001")
@pytest.mark.parametrize(
    ("app", "holds"),
    [(docs_enabled_app(), True), (oas_never_installed.app, False)],
    ids=["do", "dont"],
)
async def test_the_served_document_is_the_customised_one(
    app: FastAPI, *, holds: bool
) -> None:
    """/openapi.json carries what the customising function adds."""
    document = await served_document(app)

    assert ("x-logo" in document["info"]) is holds


@pytest.mark.rule("OAS-001")
def test_the_document_is_built_once() -> None:
    """The customised document is cached: later calls return the same object."""
    app = docs_enabled_app()

    assert app.openapi() is app.openapi()


# --8<-- [end:oas-001]


def linked_urls(document: dict[str, Any]) -> list[str]:
    """Every URL the document points its readers to."""
    info = document["info"]
    urls = [info.get("x-logo", {}).get("url"), info.get("termsOfService")]
    urls += [document.get("externalDocs", {}).get("url")]
    urls += [server.get("url") for server in document.get("servers", [])]
    urls += [tag.get("externalDocs", {}).get("url") for tag in document.get("tags", [])]
    return [url for url in urls if url]


async def dead_links(app: FastAPI, document: dict[str, Any]) -> list[str]:
    """Links that are neither absolute https URLs nor paths the app serves."""
    transport = httpx.ASGITransport(app=app)
    dead = []
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        for url in linked_urls(document):
            if url.startswith("https://"):
                continue  # a published asset: readable from the CI artifact too
            if not (await client.get(url)).is_success:
                dead.append(url)
    return dead


# --8<-- [start:oas-002]
@pytest.mark.rule("OAS-002")
@pytest.mark.parametrize(
    ("app", "holds"),
    [(docs_enabled_app(), True), (oas_dead_logo.app, False)],
    ids=["do", "dont"],
)
async def test_every_linked_url_resolves(app: FastAPI, *, holds: bool) -> None:
    """The logo and every other link lead somewhere a reader can reach."""
    document = await served_document(app)

    assert linked_urls(document)
    assert (await dead_links(app, document) == []) is holds


# --8<-- [end:oas-002]
