"""Application factory: `uvicorn app.main:create_app --factory`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from app.core.config import Settings, get_settings
from app.core.health import router as health_router
from app.core.logging import configure_logging
from app.core.openapi import custom_openapi
from app.core.problem_details import register_problem_handlers
from app.core.request_body import BodySizeLimitMiddleware
from app.core.request_id import RequestIdMiddleware
from app.core.security import add_cors
from app.core.security_headers import SecurityHeadersMiddleware
from app.infra.clients.http import create_http_client
from app.infra.db.base import create_engine_and_sessionmaker
from app.tasks.router import router as tasks_router
from app.users.router import auth_router
from app.users.router import router as users_router


# --8<-- [start:lifespan]
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the shared clients once per process and close them on shutdown."""
    settings: Settings = app.state.settings
    engine, sessions = create_engine_and_sessionmaker(
        settings.database_url.get_secret_value(),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    http_client = create_http_client()
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.http_client = http_client
    try:
        yield
    finally:
        await http_client.aclose()
        await engine.dispose()


# --8<-- [end:lifespan]


# --8<-- [start:create-app]
def create_app(settings: Settings | None = None) -> FastAPI:
    """Build a configured app; tests pass their own settings."""
    settings = settings or get_settings()  # read here, never at import time
    configure_logging(settings.log_level)
    docs = settings.docs_enabled  # an internal API hides its docs by default
    app = FastAPI(
        title="Tasks API",
        version="1.0.0",
        description="Example service of the FastAPI backend guideline.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    register_problem_handlers(app)
    for router in (health_router, auth_router, users_router, tasks_router):
        app.include_router(router)

    # The last one added runs first: the request ID wraps everything else.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    add_cors(app, settings)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)

    # FastAPI's documented hook for a customised schema.
    app.openapi = partial(custom_openapi, app)  # type: ignore[method-assign]
    return app


# --8<-- [end:create-app]
