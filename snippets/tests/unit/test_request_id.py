"""The request ID a client sends is kept only when all of it is log-safe."""

import pytest
from starlette.types import Message, Receive, Scope, Send

from app.core.request_id import RequestIdMiddleware


async def no_content(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def answered_id(sent_id: bytes) -> bytes:
    """The X-Request-ID the middleware answers a request carrying `sent_id` with."""
    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "query_string": b"",
        "headers": [(b"x-request-id", sent_id)],
    }
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await RequestIdMiddleware(no_content)(scope, receive, send)
    headers = dict(messages[0]["headers"])
    answered: bytes = headers[b"x-request-id"]
    return answered


async def test_a_log_safe_id_is_kept() -> None:
    assert await answered_id(b"req-7f3c.1") == b"req-7f3c.1"


# A server in front may pass what h11 would refuse; `$` matches before a final "\n".
@pytest.mark.parametrize("sent", [b"abc\n", b"abc\r\n", b"\nabc", b"a" * 65])
async def test_an_id_that_is_not_wholly_log_safe_is_replaced(sent: bytes) -> None:
    answered = await answered_id(sent)

    assert answered != sent
    assert len(answered) == 32
    assert answered.isalnum()
