"""The outbound HTTP client (retries, budgets) and the threaded mail call."""

import asyncio
import logging

import httpx
import pytest

from app.core.logging import request_id_var
from app.infra.clients import http
from app.infra.clients.http import create_http_client, fetch_json, request_with_retry
from app.infra.clients.mail import LoggingMailSender, send_mail


def mock_client(statuses: list[int], seen: list[httpx.Request]) -> httpx.AsyncClient:
    replies = iter(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(next(replies), json={"ok": True})

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_get_is_retried_until_it_succeeds() -> None:
    seen: list[httpx.Request] = []
    async with mock_client([503, 502, 200], seen) as client:
        response = await request_with_retry(
            client, "GET", "http://peer/x", base_delay=0
        )

    assert response.status_code == 200
    assert len(seen) == 3


async def test_post_is_never_retried() -> None:
    seen: list[httpx.Request] = []
    async with mock_client([503, 200], seen) as client:
        response = await request_with_retry(client, "POST", "http://peer/x")

    assert response.status_code == 503
    assert len(seen) == 1


async def test_transport_errors_are_retried_then_raised() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(httpx.ConnectError):
            await request_with_retry(
                client, "GET", "http://peer/x", attempts=2, base_delay=0
            )

    assert calls == 2


async def test_fetch_json_and_request_id_propagation() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[1])

    client = create_http_client()
    client._transport = httpx.MockTransport(handler)  # swap the network out
    token = request_id_var.set("rid-7")
    try:
        async with client:
            assert await fetch_json(client, "http://peer/items") == [1]
    finally:
        request_id_var.reset(token)

    assert seen[0].headers["x-request-id"] == "rid-7"
    async with create_http_client() as plain:
        plain._transport = httpx.MockTransport(handler)  # no network
        await plain.get("http://peer/items")  # outside a request: no ID to send
    assert "x-request-id" not in seen[1].headers
    assert client.timeout.connect == 2.0


async def test_fetch_json_budget_cancels_a_slow_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def hang(*_: object, **__: object) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError

    monkeypatch.setattr(http, "request_with_retry", hang)
    async with httpx.AsyncClient() as client:
        with pytest.raises(TimeoutError):
            await fetch_json(client, "http://peer/slow", budget_s=0.01)


async def test_mail_runs_in_a_thread_and_failures_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken:
        def send(self, *, to: str, subject: str, body: str) -> None:
            raise ConnectionError(to)

    with caplog.at_level(logging.INFO):
        await send_mail(LoggingMailSender(), to="a@example.com", subject="Hi", body="")
        await send_mail(Broken(), to="a@example.com", subject="Hi", body="")

    assert [r.getMessage() for r in caplog.records] == [
        "mail sent",
        "mail delivery failed",
    ]
