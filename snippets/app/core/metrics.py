"""Prometheus metrics: one registry per app, served at /metrics behind a token."""

import hmac
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from sqlalchemy import event
from sqlalchemy.pool import Pool, QueuePool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.exceptions import NotFoundError, UnauthorizedError
from app.core.problem_details import problem_responses
from app.core.request_id import aborted

router = APIRouter(tags=["health"])

# Label values come from this set or are "OTHER": a client that sends made-up
# methods cannot create a time series per request.
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}
)
UNMATCHED = "unmatched"  # every path no route matched shares this label


class Metrics:
    """The app's own registry, so apps built in one process never collide.

    With PROMETHEUS_MULTIPROC_DIR set (several worker processes), every process
    writes its samples to that directory and a scrape adds them all up.
    """

    def __init__(
        self, pool: Callable[[], Pool | None], *, multiprocess_dir: Path | None = None
    ) -> None:
        if multiprocess_dir is not None and values.ValueClass is values.MutexValue:
            # prometheus-client picks its storage when it is first imported.
            raise RuntimeError("set PROMETHEUS_MULTIPROC_DIR before Python starts")
        self.multiprocess_dir = multiprocess_dir
        self._pool = pool
        self._watched: Pool | None = None
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests",
            "Requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to the last byte, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.aborted = Counter(
            "http_responses_aborted",
            "Responses cut off before their last byte, by route and reason.",
            ["method", "route", "reason"],
            registry=self.registry,
        )
        self.problems = Counter(
            "http_problems",
            "Problem documents sent, by stable code.",
            ["code", "status"],
            registry=self.registry,
        )
        self.retries = Counter(
            "http_client_retries",
            "Outgoing HTTP calls retried, by target.",
            ["target"],
            registry=self.registry,
        )
        # livesum: across processes, the sum over the ones still running.
        self.pool_size = Gauge(
            "db_pool_size",
            "Connections kept in the pools.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.pool_checked_out = Gauge(
            "db_pool_checked_out",
            "Connections in use.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def count_retry(self, target: str) -> Callable[[], None]:
        """A callback for the HTTP client: one call per retried attempt."""
        return self.retries.labels(target=target).inc

    def watch_pool(self) -> None:
        """Follow the engine's pool (made by the lifespan) through its events."""
        pool = self._pool()
        if pool is self._watched or not isinstance(pool, QueuePool):
            return
        self._watched = pool
        self.pool_size.set(pool.size())
        self.pool_checked_out.set(pool.checkedout())
        event.listen(pool, "checkout", lambda *_: self.pool_checked_out.inc())
        event.listen(pool, "checkin", lambda *_: self.pool_checked_out.dec())

    def exposition(self) -> bytes:
        """The text format: this process's registry, or every process's files."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        path = str(self.multiprocess_dir)
        multiprocess.MultiProcessCollector(registry, path=path)  # type: ignore[no-untyped-call]  # untyped in prometheus-client
        return generate_latest(registry)

    def close(self) -> None:
        """A stopped process leaves the live gauges (pool sizes)."""
        if self.multiprocess_dir is not None:
            path = str(self.multiprocess_dir)
            multiprocess.mark_process_dead(os.getpid(), path)  # type: ignore[no-untyped-call]  # untyped in prometheus-client


# --8<-- [start:route-metrics]
class MetricsMiddleware:
    """Pure ASGI; labels by route template (`/tasks/{task_id}`), never raw path."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.metrics.watch_pool()
        status_code = 500  # what the client gets if the app dies before answering
        started = time.perf_counter()
        recorded = False

        def record() -> None:
            nonlocal recorded
            recorded = True
            self.observe(scope, status_code, time.perf_counter() - started)

        async def send_and_time(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)
            # The last byte is the client's latency; background tasks run
            # after it and are not part of the request's time.
            if message["type"] == "http.response.body" and not message.get(
                "more_body", False
            ):
                record()

        try:
            await self.app(scope, receive, send_and_time)
        finally:
            if not recorded:  # the app failed or the client left mid-body
                record()

    # --8<-- [start:route-labels]
    def observe(self, scope: Scope, status_code: int, elapsed: float) -> None:
        # Set by the router once it matched; bounded labels only, so scanners
        # probing random paths and methods cannot explode the series count.
        route = getattr(scope.get("route"), "path", UNMATCHED)
        method = scope["method"] if scope["method"] in KNOWN_METHODS else "OTHER"
        self.metrics.latency.labels(method, route).observe(elapsed)
        self.metrics.requests.labels(method, route, status_code).inc()
        if (reason := aborted(scope)) is not None:  # a 200 that never ended
            self.metrics.aborted.labels(method, route, reason).inc()
        code = scope.get("state", {}).get("problem_code")
        if code is None and status_code >= 500:  # noqa: PLR2004  # a crash
            code = "internal-error"
        if code is not None:
            self.metrics.problems.labels(code, status_code).inc()
        # --8<-- [end:route-labels]


# --8<-- [end:route-metrics]


class PrometheusResponse(Response):
    media_type = CONTENT_TYPE_LATEST


async def require_metrics_token(request: Request) -> None:
    """Only the scraper: a bearer token from settings; no token set, no endpoint."""
    token = request.app.state.settings.metrics_token
    if token is None:
        raise NotFoundError
    sent = request.headers.get("authorization", "")
    expected = f"Bearer {token.get_secret_value()}"
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise UnauthorizedError


MetricsTokenDep = Annotated[None, Depends(require_metrics_token)]


@router.get(
    "/metrics",
    status_code=status.HTTP_200_OK,
    summary="Prometheus metrics",
    description="The text exposition format, for the Prometheus scraper, with "
    "`Authorization: Bearer <METRICS_TOKEN>`; a 404 while no token is set. With "
    "several worker processes every answer covers all of them.",
    response_class=PrometheusResponse,
    responses={
        200: {
            "content": {
                CONTENT_TYPE_LATEST: {
                    "example": 'http_requests_total{method="GET",'
                    'route="/healthz",status="200"} 3.0\n'
                }
            }
        },
        **problem_responses(401, 404),
    },
)
async def read_metrics(request: Request, _token: MetricsTokenDep) -> PrometheusResponse:
    metrics: Metrics = request.app.state.metrics
    return PrometheusResponse(metrics.exposition())
