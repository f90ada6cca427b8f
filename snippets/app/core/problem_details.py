"""RFC 9457 problem details: the one error format of every response."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Annotated, Any

import fastapi.routing
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.conditional import NotModifiedError, not_modified_handler
from app.core.constants import ErrorCode
from app.core.deprecation import announced
from app.core.exceptions import PROBLEM_BASE_URI, AppError, DatabaseBusyError
from app.core.http_methods import method_not_allowed
from app.core.models import INT32
from app.infra.db.base import database_problem

logger = logging.getLogger(__name__)
PROBLEM_MEDIA_TYPE = "application/problem+json"
# RFC 9110 renamed these; Python's HTTPStatus has the new names only from 3.13.
_RFC9110_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}


MAX_FIELD_ERRORS = 50  # a body with 10,000 bad fields gets a short answer


def _cut(limit: int) -> BeforeValidator:
    # Cut, not refuse: a problem document must be built whatever came in.
    return BeforeValidator(lambda v: v[:limit] if isinstance(v, str | list) else v)


# Strings cut to a bound and documented as at most that (OWASP API4).
Code = Annotated[str, _cut(64), Field(max_length=64)]
Short = Annotated[str, _cut(128), Field(max_length=128)]
UriText = Annotated[str, _cut(256), Field(max_length=256)]
ErrorText = Annotated[str, _cut(512), Field(max_length=512)]
Detail = Annotated[str, _cut(1024), Field(max_length=1024)]
PathText = Annotated[str, _cut(2048), Field(max_length=2048)]  # not a 64 KiB echo
LocItem = Short | Annotated[int, Field(ge=0, le=1_000_000, json_schema_extra=INT32)]
Location = Annotated[
    list[LocItem], _cut(16), Field(max_length=16, examples=[["body", "title"]])
]


class FieldError(BaseModel):
    """One invalid input; never carries the input value, which may be a secret."""

    loc: Location
    message: ErrorText = Field(examples=["String should have at least 1 character"])
    type: Code = Field(examples=["string_too_short"])


class ProblemDetails(BaseModel):
    """The RFC 9457 body, plus a stable `code` and the field errors of a 422."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "https://fastapi-guideline.netlify.app/problems/task-not-found",
                    "title": "Task not found",
                    "status": 404,
                    "detail": "Task not found",
                    "instance": "/api/v1/tasks/0b8e4a52-53cb-4b47-a4b4-6f1f3dcb3f5c",
                    "code": "task-not-found",
                }
            ]
        }
    )

    type: UriText = "about:blank"
    title: Short
    status: int = Field(ge=400, le=599, json_schema_extra=INT32)
    detail: Detail
    instance: PathText  # the path only, cut: a 64 KiB URL is not echoed
    code: Code
    errors: list[FieldError] | None = Field(default=None, max_length=MAX_FIELD_ERRORS)


# --8<-- [start:problem-handler]
def problem_response(
    request: Request,
    problem: ProblemDetails,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Serialize a problem with the media type RFC 9457 registers for it."""
    request.state.problem_code = problem.code  # counted by the metrics middleware
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        # What the route says on every answer (a deprecation), then the error's.
        headers={**announced(request), **(headers or {})},
    )


async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Map any AppError subclass to its own status, title and code."""
    assert isinstance(exc, AppError)  # noqa: S101  # registered for AppError only
    problem = ProblemDetails(
        type=exc.type,
        title=exc.title,
        status=exc.status,
        detail=exc.detail,
        instance=request.url.path,  # the path only: a query string may hold secrets
        code=exc.code,
    )
    return problem_response(request, problem, headers=exc.headers)


# --8<-- [end:problem-handler]


def http_problem(request: Request, status: int, detail: str) -> ProblemDetails:
    """A problem for a plain HTTP status: `about:blank` and the status phrase."""
    phrase = _RFC9110_PHRASES.get(status) or HTTPStatus(status).phrase
    return ProblemDetails(
        title=phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        code=phrase.lower().replace(" ", "-"),
    )


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Routing and security errors (404, 405, 401...) in the same format."""
    assert isinstance(exc, HTTPException)  # noqa: S101  # registered for it only
    detail = (
        exc.detail
        if isinstance(exc.detail, str)
        else HTTPStatus(exc.status_code).phrase
    )
    problem = http_problem(request, exc.status_code, detail)
    # Keep Allow (405) and WWW-Authenticate (401): clients rely on them.
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # noqa: PLR2004  # the one status that needs Allow
        headers["Allow"] = allowed_methods(request)
    return problem_response(request, problem, headers=headers)


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# Included routers nest their routes since FastAPI 0.16x; older ones are flat.
_flat_routes = getattr(fastapi.routing, "iter_route_contexts", iter)


def _answers(request: Request, method: str) -> bool:
    for route in _flat_routes(request.app.routes):
        match, _ = route.matches({**request.scope, "method": method})
        if match is Match.FULL:  # the first full match is the one that runs
            return route.endpoint is not method_not_allowed
    return False


def allowed_methods(request: Request) -> str:
    """Every method some route answers on this path, not only the first's."""
    # FastAPI makes one route per method and Starlette's 405 names only the
    # first; ask the routing table (BaseRoute.matches) for each method instead.
    allowed = [method for method in _METHODS if _answers(request, method)]
    if "GET" in allowed:
        allowed.insert(1, "HEAD")  # HeadAsGetMiddleware answers it for any GET
    return ", ".join(allowed)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A 422 that lists each invalid field but drops `input` and `ctx`."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101  # registered for it
    errors = [
        FieldError(loc=list(error["loc"]), message=error["msg"], type=error["type"])
        for error in exc.errors()[:MAX_FIELD_ERRORS]
    ]
    problem = http_problem(request, 422, f"{len(errors)} invalid field(s)")
    problem.type = f"{PROBLEM_BASE_URI}{ErrorCode.VALIDATION_ERROR}"
    problem.code = ErrorCode.VALIDATION_ERROR
    problem.errors = errors
    return problem_response(request, problem)


async def pool_timeout_handler(request: Request, exc: Exception) -> JSONResponse:
    """No pooled connection came free in time: busy, so a 503 to retry, not a 500."""
    logger.warning("database pool exhausted", extra={"path": request.url.path})
    return await app_error_handler(request, DatabaseBusyError())


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A lost database or a wait it ended, in any transaction: its 503, not a 500.

    The request's session, the rate limits' own transactions and the short
    sign-in lookups all end here, so no call site maps errors by itself.
    """
    if (error := database_problem(exc)) is None:  # a failing query: a bug
        return await unhandled_error_handler(request, exc)
    logger.warning(
        "database unavailable or busy",
        extra={"path": request.url.path, "code": error.code},
        exc_info=exc,
    )
    return await app_error_handler(request, error)


# --8<-- [start:unhandled-error]
async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A generic 500: the traceback goes to the log, never to the client."""
    request_id: str | None = getattr(request.state, "request_id", None)
    logger.error("unhandled error", exc_info=exc, extra={"request_id": request_id})
    problem = http_problem(request, 500, "An unexpected error occurred.")
    problem.code = ErrorCode.INTERNAL_ERROR
    return problem_response(request, problem)


class UnhandledErrorMiddleware:
    """A crash becomes a 500 *inside* the middlewares that add headers.

    Starlette runs a handler for `Exception` in ServerErrorMiddleware, outside
    every middleware, so its 500 would lack the request ID, the security
    headers and CORS. Here the 500 passes through all of them like any answer.
    It sits outside any middleware that holds back the response start (GZip
    does, until the first body chunk), or a stream that fails before its first
    byte would look started and get no 500 at all.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            if started:  # headers are sent: closing the connection is all left
                raise
            response = await unhandled_error_handler(Request(scope), exc)
            await response(scope, receive, send)


# --8<-- [end:unhandled-error]


# --8<-- [start:register]
def register_problem_handlers(app: FastAPI) -> None:
    """Install every handler, so no error leaves the app in another format."""
    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(HTTPException, http_error_handler)
    app.add_exception_handler(PoolTimeoutError, pool_timeout_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    app.add_exception_handler(OSError, database_error_handler)  # refused, reset
    # Last resort for a crash in a middleware itself; UnhandledErrorMiddleware
    # answers every crash of a route first, with all the usual headers.
    app.add_exception_handler(Exception, unhandled_error_handler)
    # Not an error: a 304 has no body, so it is not a problem document either.
    app.add_exception_handler(NotModifiedError, not_modified_handler)


# --8<-- [end:register]


RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {
            "type": "integer",
            "format": "int32",
            "minimum": 0,
            "maximum": 86_400,
        },
    }
}
_RETRYABLE = frozenset({429, 503})


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries that document a route's possible problems."""
    return {
        status: {
            "model": ProblemDetails,
            "description": _RFC9110_PHRASES.get(status) or HTTPStatus(status).phrase,
            **({"headers": RETRY_AFTER_HEADER} if status in _RETRYABLE else {}),
        }
        for status in statuses
    }
