"""Security response headers, set once for every response."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A JSON API renders nothing in a browser: deny framing, sniffing, referrers,
# and (CSP) every kind of content a page could load.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# Swagger UI and ReDoc are HTML pages whose scripts, styles and fonts come from
# their CDNs and an inline bootstrap script: only the docs pages get this one.
DOCS_CSP = (
    "default-src 'none'; frame-ancestors 'none'; connect-src 'self'; "
    "script-src 'unsafe-inline' https://cdn.jsdelivr.net; worker-src blob:; "
    "style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})


class SecurityHeadersMiddleware:
    """Pure ASGI: touches only `http.response.start`, adds what is missing."""

    def __init__(self, app: ASGIApp, *, docs: bool = False) -> None:
        self.app = app
        self.docs_paths = DOCS_PATHS if docs else frozenset()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        relaxed = scope["path"] in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if relaxed:
                    headers["Content-Security-Policy"] = DOCS_CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)
