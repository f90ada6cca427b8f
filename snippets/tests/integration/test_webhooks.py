"""The `task.done` webhook against a real HTTP server that fails and stalls."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from pydantic import HttpUrl

from app.core.config import Settings
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import bearer, sign_up
from tests.servers import serve_on_socket, webhook_receiver

TASKS = "/api/v1/tasks"


@asynccontextmanager
async def done_over_http(app: FastAPI) -> AsyncIterator[tuple[httpx.Response, float]]:
    """Create a task and PATCH it to done through uvicorn: (response, seconds)."""
    async with (
        serve_on_socket(app) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as client,
    ):
        headers = bearer(await sign_up(client))
        task = (await client.post(TASKS, json={"title": "t"}, headers=headers)).json()
        started = time.perf_counter()
        response = await client.patch(
            f"{TASKS}/{task['id']}",
            json={"status": "done"},
            headers=headers | {"X-Request-ID": "rid-webhook-1"},
        )
        yield response, time.perf_counter() - started


def hooked(settings: Settings, url: str, budget: float) -> FastAPI:
    return create_app(
        settings.model_copy(
            update={"webhook_url": HttpUrl(url), "webhook_budget_seconds": budget}
        )
    )


async def test_a_failed_delivery_is_retried_with_the_same_event_id(
    settings: Settings,
) -> None:
    """503 then 200: two attempts, one Idempotency-Key, the request's ID."""
    with webhook_receiver([503, 200]) as receiver:
        app = hooked(settings, receiver.url, budget=5)
        async with done_over_http(app) as (response, _):
            assert response.status_code == 200, response.text
            await receiver.wait_for(2)
            metrics = app.state.metrics.registry
            retries = metrics.get_sample_value(
                "http_client_retries_total", {"target": "webhook"}
            )

    first, second = (headers for headers, _ in receiver.received)
    assert first["Idempotency-Key"] == second["Idempotency-Key"]
    assert first["X-Request-ID"] == second["X-Request-ID"] == "rid-webhook-1"
    assert b'"type":"task.done"' in receiver.received[0][1]
    assert len(receiver.received) == 2
    assert retries == 1


async def test_a_stalled_subscriber_neither_delays_nor_outlives_the_budget(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A 3 s stall: the API answers at once, the budget cuts the call at 0.3 s."""
    with (
        caplog.at_level(logging.INFO),
        webhook_receiver([200], delay_seconds=3) as receiver,
    ):
        app = hooked(settings, receiver.url, budget=0.3)
        async with done_over_http(app) as (response, elapsed):
            assert response.status_code == 200, response.text
            assert elapsed < 0.3  # the webhook runs after the response is sent
            for _ in range(100):  # up to 2 s for the budget to run out
                if "webhook timed out" in caplog.messages:
                    break
                await asyncio.sleep(0.02)

    assert "webhook timed out" in caplog.messages
    assert len(receiver.received) == 1  # the budget ends the call: no retry


async def test_no_webhook_when_the_task_was_already_done(
    settings: Settings,
) -> None:
    """Only the transition to `done` notifies, not a PATCH of a done task."""
    with webhook_receiver([]) as receiver:
        app = hooked(settings, receiver.url, budget=1)
        async with app_client(app) as client:
            headers = bearer(await sign_up(client))
            body = {"title": "t", "status": "done"}
            task = (await client.post(TASKS, json=body, headers=headers)).json()
            response = await client.patch(
                f"{TASKS}/{task['id']}", json={"status": "done"}, headers=headers
            )

    assert response.status_code == 200, response.text
    assert receiver.received == []  # ASGITransport waits for background tasks
