"""Prometheus metrics: one registry per app, served at /metrics."""

import time
from collections.abc import Callable, Iterator

from fastapi import APIRouter, Request, Response, status
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.pool import Pool, QueuePool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

router = APIRouter(tags=["health"])


class PoolCollector(Collector):
    """Reads the database pool at scrape time: a gauge that is never stale."""

    def __init__(self, pool: Callable[[], Pool | None]) -> None:
        self._pool = pool  # the engine only exists while the lifespan runs

    def collect(self) -> Iterator[GaugeMetricFamily]:
        size = GaugeMetricFamily("db_pool_size", "Connections kept in the pool.")
        used = GaugeMetricFamily("db_pool_checked_out", "Connections in use.")
        pool = self._pool()
        if isinstance(pool, QueuePool):
            size.add_metric([], pool.size())
            used.add_metric([], pool.checkedout())
        yield from (size, used)


class Metrics:
    """The app's own registry, so apps built in one process never collide."""

    def __init__(self, pool: Callable[[], Pool | None]) -> None:
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
        self.registry.register(PoolCollector(pool))

    def count_retry(self, target: str) -> Callable[[], None]:
        """A callback for the HTTP client: one call per retried attempt."""
        return self.retries.labels(target=target).inc


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
        status_code = 500  # what the client gets if the app dies before answering
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            # Set by the router once it matched; unmatched paths share one label,
            # so scanners probing random URLs cannot explode the label count.
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            elapsed = time.perf_counter() - started
            self.metrics.latency.labels(method, route).observe(elapsed)
            self.metrics.requests.labels(method, route, status_code).inc()
            code = scope.get("state", {}).get("problem_code")
            if code is None and status_code >= 500:  # noqa: PLR2004  # a crash
                code = "internal-error"
            if code is not None:
                self.metrics.problems.labels(code, status_code).inc()


# --8<-- [end:route-metrics]


class PrometheusResponse(Response):
    media_type = CONTENT_TYPE_LATEST


@router.get(
    "/metrics",
    status_code=status.HTTP_200_OK,
    summary="Prometheus metrics",
    description="The text exposition format, for the Prometheus scraper. Keep "
    "this path off the public ingress: it is for the monitoring network.",
    response_class=PrometheusResponse,
    responses={
        200: {
            "content": {
                CONTENT_TYPE_LATEST: {
                    "example": 'http_requests_total{method="GET",'
                    'route="/healthz",status="200"} 3.0\n'
                }
            }
        }
    },
)
async def read_metrics(request: Request) -> PrometheusResponse:
    metrics: Metrics = request.app.state.metrics
    return PrometheusResponse(generate_latest(metrics.registry))
