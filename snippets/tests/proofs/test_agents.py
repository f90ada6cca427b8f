"""Proofs of the Agent rules: the safe defaults, in the service and in the Don'ts."""

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from app.infra.clients.http import create_http_client, fetch_json
from demos import agt_invented_protocol, agt_no_timeout, agt_unbounded_limit
from tests.servers import silent_peer

Call = Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[httpx.Response]]


def demo_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    )


async def service_page(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> httpx.Response:
    """Do: the service's task list, asked for 101 items."""
    return await client.get("/api/v1/tasks?limit=101", headers=headers)


async def demo_page(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> httpx.Response:
    """Don't: the demo's list, asked the same."""
    app = FastAPI()
    app.include_router(agt_unbounded_limit.router)
    async with demo_client(app) as other:
        return await other.get("/api/v1/tasks?limit=101")


# --8<-- [start:agt-003]
@pytest.mark.rule("PAGE-001")
@pytest.mark.parametrize(
    ("ask", "holds"), [(service_page, True), (demo_page, False)], ids=["do", "dont"]
)
async def test_a_page_of_more_than_100_items_is_refused(
    *, ask: Call, holds: bool, client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """`limit=101` is a validation error, not a bigger page."""
    response = await ask(client, auth_headers)
    assert (response.status_code == 422) is holds


# --8<-- [end:agt-003]


async def service_missing_task(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> httpx.Response:
    """Do: the service, asked for a task that does not exist."""
    return await client.get(f"/api/v1/tasks/{uuid.uuid4()}", headers=headers)


async def demo_missing_task(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> httpx.Response:
    """Don't: the demo's RPC endpoint, asked to act on a task that does not exist."""
    async with demo_client(agt_invented_protocol.app) as other:
        body = {"action": "delete", "id": "7"}
        return await other.post("/api/v1/doTaskAction", json=body)


# --8<-- [start:agt-004]
@pytest.mark.rule("API-004")
@pytest.mark.parametrize(
    ("ask", "holds"),
    [(service_missing_task, True), (demo_missing_task, False)],
    ids=["do", "dont"],
)
async def test_a_failure_is_an_http_error_with_a_problem_document(
    *, ask: Call, holds: bool, client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Monitoring, retries and generated clients see the failure for what it is."""
    response = await ask(client, auth_headers)
    problem = response.headers["content-type"] == "application/problem+json"
    assert (response.status_code == 404 and problem) is holds


# --8<-- [end:agt-004]


async def gives_up_by_itself(seconds: float, call: Awaitable[object]) -> bool:
    """True if the call ends (with its own error) before our guard fires."""
    try:
        async with asyncio.timeout(seconds):
            with contextlib.suppress(TimeoutError, httpx.HTTPError):
                await call
    except TimeoutError:
        return False
    return True


async def service_call(url: str) -> object:
    """Do: the service's client and helper, with a 0.1 s budget."""
    async with create_http_client() as client:
        return await fetch_json(client, f"{url}/v1/EUR", budget_s=0.1)


async def demo_call(url: str) -> object:
    return await agt_no_timeout.fetch_exchange_rate(url, "EUR")


# --8<-- [start:agt-006]
@pytest.mark.rule("EXT-003")
@pytest.mark.parametrize(
    ("call_partner", "holds"),
    [(service_call, True), (demo_call, False)],
    ids=["do", "dont"],
)
async def test_a_partner_that_never_answers_cannot_hold_the_request(
    *, call_partner: Callable[[str], Awaitable[object]], holds: bool
) -> None:
    """The call gives up by itself, well before a 0.3 s guard would stop it."""
    with silent_peer() as peer:
        assert (await gives_up_by_itself(0.3, call_partner(f"http://{peer}"))) is holds


# --8<-- [end:agt-006]
