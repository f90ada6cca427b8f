"""HEAD for every GET route (RFC 9110 §9.3.2): the same headers, no body."""

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    """Route a HEAD as its GET and drop the body; FastAPI routes GET only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        as_get = {**scope, "method": "GET"}

        def carry_route() -> None:
            # The router marks the copy; outer middlewares (metrics) read the
            # route template from the scope they were given.
            if "route" in as_get:
                scope["route"] = as_get["route"]

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.start":
                carry_route()  # before metrics count the answer at its last byte
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b""})
            # Content-Length stays the GET's: a HEAD says how long GET would be.

        try:
            await self.app(as_get, receive, send_headers_only)
        finally:
            carry_route()  # a stream that failed after its start, too


async def method_not_allowed() -> Response:
    """Endpoint of a path's other methods where a later route would take them.

    `allowed_methods` leaves routes with this endpoint out of `Allow`.
    """
    raise HTTPException(405)
