
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apps.good.router import router

PROBLEM = "application/problem+json"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=63072000"),
]


class Headers:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = dict(scope.get("headers", [])).get(b"x-request-id", b"")
        if not request_id.isalnum() and not request_id.replace(b"-", b"").isalnum():
            request_id = b"generated-1"

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], *SECURITY_HEADERS, (b"x-request-id", request_id)]
            await send(message)

        await self.app(scope, receive, stamped)


def problem(request: Request, status: int, title: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "instance": request.url.path}  # near: INSTANCE-FULL-URL
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return problem(request, status, "HTTP error")


async def invalid(request: Request, exc: Exception) -> JSONResponse:
    return problem(request, 422, "Invalid request")  # near: LEAKY-ERROR-HANDLER


def register_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)  # near: HANDLER-OUTSIDE-REGISTRY
    app.add_exception_handler(RequestValidationError, invalid)


def create_app() -> FastAPI:  # near: ERRORS-AS-PROBLEMS, PROBLEM-INSTANCE-URL, SECURITY-HEADERS, REQUEST-ID, CORS-FOREIGN-ORIGIN, DOCS-SERVED, HEALTH-ROUTES, NO-COMPRESSION
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)  # near: APP-AT-IMPORT, APP-OUTSIDE-MAIN, DOCS-ALWAYS-ON
    register_problem_handlers(app)
    app.include_router(router)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])  # near: CORS-WILDCARD
    app.add_middleware(Headers)
    return app
