"""The app's middleware rewritten on `BaseHTTPMiddleware`, as in the guideline's Appendix C.

Each class does the same work as the pure ASGI original of the same name in `app.core`; only
the plumbing differs. `rebuild_on_basehttp()` swaps them into an app built by `create_app()`.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.types import ASGIApp

from bench.example import module, request_id_var

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_logger = logging.getLogger("app.access")
_request_id_var = request_id_var()
request_id_module = module("app.core.request_id")
security_headers_module = module("app.core.security_headers")
# The app's helpers where it has them, so both stacks write the same access line.
_masked_query: Callable[[bytes], str] | None = getattr(request_id_module, "masked_query", None)
_HEADER: str = getattr(request_id_module, "REQUEST_ID_HEADER", "X-Request-ID")
_SECURITY_HEADERS: dict[str, str] = security_headers_module.SECURITY_HEADERS
_DOCS_CSP: str | None = getattr(security_headers_module, "DOCS_CSP", None)
_DOCS_PATHS: frozenset[str] = getattr(security_headers_module, "DOCS_PATHS", frozenset())
TOO_LARGE = "The request body exceeds the size limit."


class RequestIdMiddleware(BaseHTTPMiddleware):
    """Request ID, response header and access line, in `dispatch` form."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Validate or make the ID, run the app, stamp the response, log one line."""
        incoming = request.headers.get(_HEADER, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.state.request_id = request_id
        status = 500
        started = time.perf_counter()
        token = _request_id_var.set(request_id)
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers[_HEADER] = request_id
            return response
        finally:
            extra: dict[str, object] = {"method": request.method, "path": request.url.path}
            if _masked_query is not None:
                extra["query"] = _masked_query(request.scope["query_string"])
            extra |= {
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            access_logger.info("request", extra=extra)
            _request_id_var.reset(token)


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    """The same fixed security headers, set on the response object."""

    def __init__(self, app: ASGIApp, *, docs: bool = False, **_: object) -> None:
        super().__init__(app)
        self.docs_paths = _DOCS_PATHS if docs else frozenset()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Add every header the endpoint did not set itself."""
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if _DOCS_CSP is not None and request.url.path in self.docs_paths:
            response.headers["Content-Security-Policy"] = _DOCS_CSP
        return response


class BodySizeLimitMiddleware(BaseHTTPMiddleware):
    """413 for a body over the cap; a chunked body has to be read to be measured."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, **_: object) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Check the declared length, or read a chunked body, before the app sees it."""
        declared = request.headers.get("content-length", "")
        too_large = declared.isdigit() and int(declared) > self.max_bytes
        if not too_large and "transfer-encoding" in request.headers:
            too_large = len(await request.body()) > self.max_bytes
        if too_large:
            problem = {"type": "about:blank", "title": "Content Too Large", "status": 413}
            return JSONResponse(
                problem | {"detail": TOO_LARGE},
                status_code=413,
                media_type="application/problem+json",
            )
        return await call_next(request)


class MetricsMiddleware(BaseHTTPMiddleware):
    """Request count and latency by route template, observed around `call_next`."""

    def __init__(self, app: ASGIApp, *, metrics: Any, **_: object) -> None:  # noqa: ANN401  # the app's Metrics
        super().__init__(app)
        self.metrics = metrics

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Time the request; count it under its route template and status."""
        status = 500
        started = time.perf_counter()
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = getattr(request.scope.get("route"), "path", "unmatched")
            method = request.method
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
            self.metrics.requests.labels(method, route, status).inc()
            code = request.scope.get("state", {}).get("problem_code")
            if code is None and status >= 500:
                code = "internal-error"
            if code is not None:
                self.metrics.problems.labels(code, status).inc()


class PassThroughMiddleware(BaseHTTPMiddleware):
    """A `BaseHTTPMiddleware` layer that adds only its own plumbing."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Hand the request on unchanged."""
        return await call_next(request)


EQUIVALENTS: dict[str, type[BaseHTTPMiddleware]] = {
    cls.__name__: cls
    for cls in (
        RequestIdMiddleware,
        SecurityHeadersMiddleware,
        BodySizeLimitMiddleware,
        MetricsMiddleware,
    )
}


def _is_the_apps(cls: object) -> bool:
    return str(getattr(cls, "__module__", "")).split(".")[0] == "app"


def rebuild_on_basehttp(app: FastAPI) -> list[dict[str, str]]:
    """Swap each of the app's own middleware for its BaseHTTPMiddleware equivalent.

    Library middleware (CORS, GZip) stays as it is: a team writing the Appendix C
    sketch would use those too. An app middleware without an equivalent here keeps
    its work and gets a pass-through BaseHTTPMiddleware layer in front, so the stack
    still pays the plumbing; the report says which ones were treated so.
    """
    rebuilt: list[Middleware] = []
    described = []
    for entry in app.user_middleware:
        name = getattr(entry.cls, "__name__", repr(entry.cls))
        if not _is_the_apps(entry.cls):
            rebuilt.append(entry)
            described.append({"middleware": name, "basehttp": "library, kept"})
        elif name in EQUIVALENTS:
            # Any: Starlette types the factory as a protocol BaseHTTPMiddleware's __init__ misses.
            equivalent: Any = EQUIVALENTS[name]
            rebuilt.append(Middleware(equivalent, *entry.args, **entry.kwargs))
            described.append({"middleware": name, "basehttp": "rewritten in bench/basehttp.py"})
        else:
            rebuilt += [Middleware(PassThroughMiddleware), entry]
            described.append({"middleware": name, "basehttp": "kept, behind a pass-through layer"})
    app.user_middleware[:] = rebuilt
    app.middleware_stack = None  # built on the first request, from the list above
    return described
