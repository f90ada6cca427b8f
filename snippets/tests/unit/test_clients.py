"""The outbound HTTP client (retries, budgets) and the threaded mail call."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from app.core.logging import request_id_var
from app.infra.clients import http
from app.infra.clients.http import create_http_client, fetch_json, request_with_retry
from app.infra.clients.mail import MAIL_TIMEOUT_SECONDS, LoggingMailSender, send_mail

Reply = int | tuple[int, dict[str, str]]  # a status, or a status with headers


def mock_client(statuses: list[Reply], seen: list[httpx.Request]) -> httpx.AsyncClient:
    replies = iter(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = next(replies)
        status, headers = reply if isinstance(reply, tuple) else (reply, {})
        return httpx.Response(status, headers=headers, json={"ok": True})

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every pause between attempts, recorded instead of slept."""
    recorded: list[float] = []
    original_sleep = asyncio.sleep

    async def no_sleep(delay: float) -> None:
        recorded.append(delay)
        await original_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", no_sleep)
    return recorded


async def test_get_is_retried_until_it_succeeds() -> None:
    seen: list[httpx.Request] = []
    async with mock_client([503, 502, 200], seen) as client:
        response = await request_with_retry(
            client, "GET", "http://peer/x", base_delay=0
        )

    assert response.status_code == 200
    assert len(seen) == 3


@pytest.mark.parametrize("status", [400, 404, 409, 500, 501])
async def test_a_status_that_is_not_transient_is_not_retried(
    status: int, waits: list[float]
) -> None:
    """A 500 is a defect of the peer: sending it again only adds load."""
    seen: list[httpx.Request] = []
    async with mock_client([status, 200], seen) as client:
        response = await request_with_retry(client, "GET", "http://peer/x")

    assert response.status_code == status
    assert len(seen) == 1
    assert waits == []


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_in_seconds_is_waited_for(
    status: int, waits: list[float]
) -> None:
    """The peer said when to come back; the retry is not sent earlier."""
    seen: list[httpx.Request] = []
    replies: list[Reply] = [(status, {"Retry-After": "1"}), 200]
    async with mock_client(replies, seen) as client:
        response = await request_with_retry(
            client, "GET", "http://peer/x", base_delay=0.01, max_delay=2.0
        )

    assert response.status_code == 200
    assert len(seen) == 2
    assert len(waits) == 1
    assert waits[0] >= 1.0


async def test_retry_after_as_an_http_date_is_waited_for(waits: list[float]) -> None:
    """RFC 9110 allows an HTTP-date too: the wait is the time until then."""
    later = datetime.now(UTC) + timedelta(seconds=2)
    seen: list[httpx.Request] = []
    replies: list[Reply] = [
        (503, {"Retry-After": format_datetime(later, usegmt=True)}),
        200,
    ]
    async with mock_client(replies, seen) as client:
        response = await request_with_retry(
            client, "GET", "http://peer/x", base_delay=0.01, max_delay=5.0
        )

    assert response.status_code == 200
    assert len(waits) == 1
    assert 1.0 <= waits[0] <= 2.0


@pytest.mark.parametrize("retry_after", ["3600", "86400000000000000000"])
async def test_a_retry_after_beyond_the_longest_wait_ends_the_retries(
    retry_after: str, waits: list[float]
) -> None:
    """Waiting an hour would outlast any budget: the caller gets the answer now."""
    seen: list[httpx.Request] = []
    replies: list[Reply] = [(429, {"Retry-After": retry_after}), 200]
    async with mock_client(replies, seen) as client:
        response = await request_with_retry(
            client, "GET", "http://peer/x", max_delay=2.0
        )

    assert response.status_code == 429
    assert len(seen) == 1
    assert waits == []


@pytest.mark.parametrize("retry_after", ["soon", "-5", "1.5", ""])
async def test_an_unreadable_retry_after_falls_back_to_backoff(
    retry_after: str, waits: list[float]
) -> None:
    """A header that is not delta-seconds or an HTTP-date is ignored, not trusted."""
    seen: list[httpx.Request] = []
    replies: list[Reply] = [(503, {"Retry-After": retry_after}), 200]
    async with mock_client(replies, seen) as client:
        response = await request_with_retry(
            client, "GET", "http://peer/x", base_delay=0.1, max_delay=2.0
        )

    assert response.status_code == 200
    assert len(waits) == 1
    assert 0 <= waits[0] <= 0.2  # the first backoff window


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


async def test_every_mail_goes_out_with_a_deadline() -> None:
    """The SDK is told when to give up: a thread cannot be cancelled from outside."""
    deadlines: list[float] = []

    class Sdk:
        def send(self, *, to: str, subject: str, body: str, timeout: float) -> None:
            deadlines.append(timeout)

    await send_mail(Sdk(), to="a@example.com", subject="Hi", body="")

    assert deadlines == [MAIL_TIMEOUT_SECONDS]
    assert 0 < MAIL_TIMEOUT_SECONDS <= 30


async def test_mail_runs_in_a_thread_and_failures_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken:
        def send(self, *, to: str, subject: str, body: str, timeout: float) -> None:
            raise ConnectionError(to)

    with caplog.at_level(logging.INFO):
        await send_mail(LoggingMailSender(), to="a@example.com", subject="Hi", body="")
        await send_mail(Broken(), to="a@example.com", subject="Hi", body="")

    assert [r.getMessage() for r in caplog.records] == [
        "mail sent",
        "mail delivery failed",
    ]
