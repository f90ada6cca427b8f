"""Application factory: `uvicorn app.main:create_app --factory`."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool

from app.core import tracing
from app.core.conditional import CodedETagMiddleware
from app.core.config import Settings, get_settings
from app.core.health import router as health_router
from app.core.http_methods import HeadAsGetMiddleware
from app.core.logging import configure_logging
from app.core.metrics import Metrics, MetricsMiddleware
from app.core.metrics import router as metrics_router
from app.core.openapi import custom_openapi
from app.core.problem_details import (
    UnhandledErrorMiddleware,
    register_problem_handlers,
)
from app.core.proxies import add_proxy_headers
from app.core.request_body import BodySizeLimitMiddleware
from app.core.request_id import RequestIdMiddleware
from app.core.security import add_cors
from app.core.security_headers import SecurityHeadersMiddleware
from app.infra.cache import create_cache
from app.infra.clients.http import create_http_client
from app.infra.clients.redis import create_producer_queue, create_redis
from app.infra.db.base import (
    Timeouts,
    create_engine_and_sessionmaker,
    create_probe_engine,
)
from app.tasks.router import router as tasks_router
from app.users.router import auth_router
from app.users.router import router as users_router

logger = logging.getLogger(__name__)


# --8<-- [start:lifespan]
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the shared clients once per process and close them on shutdown."""
    settings: Settings = app.state.settings
    # Logging is process-wide state: set up when a worker process starts
    # serving, not whenever an app object is built (tests build dozens).
    configure_logging(settings.log_level)
    if settings.password_hash_weak_for_tests:
        logger.warning("Password hashes are below OWASP's floor: a test setting")
    url = settings.database_url.get_secret_value()
    # Everything opened here is closed by the stack, last opened first, each
    # one even when closing another fails, or when a later one cannot open.
    async with AsyncExitStack() as opened:
        opened.callback(app.state.metrics.close)
        provider = app.state.tracer_provider
        if provider is not None:
            opened.callback(tracing.shutdown_tracing, provider)
        engine, sessions = create_engine_and_sessionmaker(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            timeouts=Timeouts.of(settings),
        )
        opened.push_async_callback(engine.dispose)
        # Readiness asks the database on a connection of its own, so a busy pool
        # is not mistaken for a dead database (and the pod is not restarted).
        probe_engine = create_probe_engine(url)
        opened.push_async_callback(probe_engine.dispose)
        secret = settings.redis_url
        redis_url = secret.get_secret_value() if secret is not None else None
        timeout = settings.redis_timeout_seconds
        cache = create_cache(redis_url, timeout_seconds=timeout)
        opened.push_async_callback(cache.aclose)
        # The API only enqueues: a fail-fast client, apart from the cache's.
        queue_redis = None
        if redis_url:
            queue_redis = create_redis(redis_url, timeout_seconds=timeout)
            opened.push_async_callback(queue_redis.aclose)
        http_client = create_http_client()
        opened.push_async_callback(http_client.aclose)
        if provider is not None:
            tracing.instrument_clients(provider, engine, http_client)
        app.state.engine = engine
        app.state.probe_engine = probe_engine
        app.state.sessions = sessions
        app.state.http_client = http_client
        app.state.cache = cache
        app.state.queue = create_producer_queue(queue_redis) if queue_redis else None
        yield


# --8<-- [end:lifespan]


# Below 1 KiB a body is not worth compressing. Level 3, not Starlette's 9: on a
# page of 50 varied tasks (20 KiB) the body is 14 % larger and compressing it
# takes a fifth of the CPU time (zlib's default, 6, takes three fifths).
GZIP_LEVEL = 3


def _engine_pool(app: FastAPI) -> Pool | None:
    engine: AsyncEngine | None = getattr(app.state, "engine", None)
    return engine.pool if engine is not None else None


# --8<-- [start:create-app]
def create_app(settings: Settings | None = None) -> FastAPI:
    """Build a configured app; tests pass their own settings."""
    settings = settings or get_settings()  # read here, never at import time
    docs = settings.docs_enabled  # an internal API hides its docs by default
    app = FastAPI(
        title="Tasks API",
        version="1.0.0",
        description="Example service of the FastAPI backend guideline.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        # No slash redirects: Starlette builds them from the Host header, so a
        # forged Host would be echoed back in Location.
        redirect_slashes=False,
    )
    app.state.settings = settings
    register_problem_handlers(app)
    routers = (health_router, metrics_router, auth_router, users_router, tasks_router)
    for router in routers:
        app.include_router(router)

    # The pool gauges read the engine at scrape time (the lifespan creates it).
    metrics = Metrics(
        pool=partial(_engine_pool, app),
        multiprocess_dir=settings.prometheus_multiproc_dir,
    )
    app.state.metrics = metrics
    # The last one added runs first: the request ID wraps everything else.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=GZIP_LEVEL)
    app.add_middleware(CodedETagMiddleware)  # a gzip body gets its own ETag
    # A crash becomes a 500 inside every middleware that adds headers, and
    # outside GZip, which holds the response start until the first chunk: so
    # "started" here means the headers really left.
    app.add_middleware(UnhandledErrorMiddleware)
    # Outside all that shapes a body: a HEAD gets its GET's coding, length and
    # ETag (RFC 9110 §9.3.2), a crash included.
    app.add_middleware(HeadAsGetMiddleware)
    add_cors(app, settings)
    app.add_middleware(SecurityHeadersMiddleware, docs=docs)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)
    add_proxy_headers(app, settings)  # outermost: everything sees the real client

    app.state.tracer_provider = tracing.create_tracer_provider(settings)
    if app.state.tracer_provider is not None:
        tracing.instrument_app(app, app.state.tracer_provider)
    # FastAPI's documented hook for a customised schema.
    app.openapi = partial(custom_openapi, app)  # type: ignore[method-assign]
    return app


# --8<-- [end:create-app]
