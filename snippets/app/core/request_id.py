"""Correlation IDs: one per request, in the logs and the response headers."""

import logging
import re
import time
import uuid
from urllib.parse import parse_qsl

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import MASK, SENSITIVE_KEYS, request_id_var, scrub

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's ID is reused only if it is short and log-safe (no CR/LF, no JSON).
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
access_logger = logging.getLogger("app.access")


def masked_query(raw: bytes) -> str:
    """The query string with secret parameters and e-mail addresses masked."""
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    return "&".join(
        f"{key}={MASK if key.lower() in SENSITIVE_KEYS else scrub(value)}"
        for key, value in pairs
    )


def mark_aborted(scope: Scope, reason: str) -> None:
    """Say the response was cut off before its last byte: logged, counted."""
    scope.setdefault("state", {})["aborted"] = reason


def aborted(scope: Scope) -> str | None:
    """Why the response was cut off (e.g. "send-timeout"), or None."""
    reason: str | None = scope.get("state", {}).get("aborted")
    return reason


# --8<-- [start:middleware]
class RequestIdMiddleware:
    """Pure ASGI, so the contextvar it sets is the one the endpoint sees."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Also on request.state, for the 500 handler that runs outside us.
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500  # what the client gets if the app dies before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        token = request_id_var.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # --8<-- [start:access-line]
            # One summary line per request; secrets in the query are masked.
            # A body cut off after its 200 is a failure: a warning that says so.
            cut_off = aborted(scope)
            access_logger.log(
                logging.INFO if cut_off is None else logging.WARNING,
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "query": masked_query(scope["query_string"]),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
                | ({} if cut_off is None else {"aborted": cut_off}),
            )
            request_id_var.reset(token)  # never leak the ID into the next request
            # --8<-- [end:access-line]


# --8<-- [end:middleware]
