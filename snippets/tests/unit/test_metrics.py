"""The metrics middleware driven through raw ASGI calls: what it records, and when."""

import asyncio
from typing import Any

from fastapi import BackgroundTasks, FastAPI
from starlette.types import Message

from app.core.metrics import Metrics, MetricsMiddleware


def probe_app(release: asyncio.Event) -> tuple[FastAPI, Metrics]:
    """A small app behind the middleware; its background task waits for `release`."""
    app = FastAPI()
    metrics = Metrics(pool=lambda: None)

    async def slow_follow_up() -> None:
        await release.wait()

    @app.patch("/items/{item_id}")
    async def patch_item(item_id: int, background: BackgroundTasks) -> dict[str, int]:
        background.add_task(slow_follow_up)
        return {"id": item_id}

    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app, metrics


def scope(method: str, path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 1234),
        "server": ("test", 80),
    }


async def call(app: FastAPI, method: str, path: str) -> list[Message]:
    """Run one request to completion; return what the app sent."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope(method, path), receive, send)
    return sent


def observed(metrics: Metrics, method: str, route: str) -> float:
    value = metrics.registry.get_sample_value(
        "http_request_duration_seconds_count", {"method": method, "route": route}
    )
    return value or 0.0


async def test_latency_is_recorded_at_the_last_body_byte() -> None:
    """The response is complete while a background task still runs: it is counted."""
    release = asyncio.Event()
    app, metrics = probe_app(release)
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    last_byte = asyncio.Event()
    counted_at_last_byte: list[float] = []

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            last_byte.set()

    request = asyncio.create_task(app(scope("PATCH", "/items/7"), receive, send))
    await asyncio.wait_for(last_byte.wait(), timeout=5)
    await asyncio.sleep(0)  # the middleware observes right after the last byte
    counted_at_last_byte.append(observed(metrics, "PATCH", "/items/{item_id}"))
    assert not request.done()  # the background task is still waiting
    release.set()
    await asyncio.wait_for(request, timeout=5)

    assert counted_at_last_byte == [1.0]
    assert observed(metrics, "PATCH", "/items/{item_id}") == 1.0  # not twice


async def test_unknown_methods_share_one_label() -> None:
    """Made-up methods from anyone cannot add a time series each."""
    app, metrics = probe_app(asyncio.Event())
    for number in range(50):
        await call(app, f"BREW{number}", "/items/1")
    await call(app, "GET", "/no/such/path")

    methods = {
        sample.labels["method"]
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name == "http_requests_total"
    }
    assert methods == {"OTHER", "GET"}
    routes = {
        sample.labels["route"]
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name == "http_requests_total"
    }
    assert routes == {"/items/{item_id}", "unmatched"}
