"""The app in-process as the tests talk to it: lifespan running, state per request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp, Receive, Scope, Send


# --8<-- [start:async-client]
def state_per_request(app: ASGIApp) -> ASGIApp:
    """Each request gets its own copy of the lifespan state, as uvicorn gives
    it: asgi-lifespan hands every request the same dict, so one request's
    `request.state` would be seen by the next."""

    async def copied(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "state" in scope:
            scope = {**scope, "state": dict(scope["state"])}
        await app(scope, receive, send)

    return copied


@asynccontextmanager
async def app_client(
    app: ASGIApp, *, raise_app_exceptions: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """Talk to `app` in-process, with its lifespan (engine, clients) running.

    `raise_app_exceptions=False` answers an unhandled error with the app's
    500, as a server would, instead of raising it in the test."""
    async with LifespanManager(state_per_request(app)) as manager:
        transport = httpx.ASGITransport(
            app=manager.app, raise_app_exceptions=raise_app_exceptions
        )
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test"
        ) as client:
            yield client


# --8<-- [end:async-client]
