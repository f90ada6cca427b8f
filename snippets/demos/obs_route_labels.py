"""Do: label request metrics with the route template, read after routing."""

from collections import Counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

requests_total: Counter[tuple[str, str, int]] = Counter()


# --8<-- [start:demo]
class RouteMetricsMiddleware:
    """Pure ASGI: counts each response under its route's path template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:  # the router put the matched route into the scope
            route = getattr(scope.get("route"), "path", "<unmatched>")
            requests_total[(scope["method"], route, status)] += 1


# --8<-- [end:demo]
