"""Guards on request bodies: a size cap (413) and JSON-only endpoints (415)."""

from fastapi import Request
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.exceptions import UnsupportedMediaTypeError
from app.core.problem_details import http_problem, problem_response

TOO_LARGE = "The request body exceeds the size limit."


class BodySizeLimitMiddleware:
    """Refuse oversized bodies before they are buffered into memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            # Honest clients announce the size: answer without reading a byte.
            request = Request(scope, receive)
            problem = http_problem(request, 413, TOO_LARGE)
            await problem_response(request, problem)(scope, receive, send)
            return

        received = 0

        async def receive_capped() -> Message:
            # Chunked bodies have no length up front: count while streaming.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes FastAPI's body reader unchanged,
                    # so the problem handler renders it as a 413.
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, receive_capped, send)


async def require_json(request: Request) -> None:
    """Reject a body that is not JSON, instead of a misleading 422.

    `async` although it awaits nothing: FastAPI runs a plain `def` dependency
    in its thread pool, a hop per write for a header check.
    """
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaTypeError("Send the body as application/json.")
