"""The body-size guard, driven directly with ASGI messages."""

import pytest
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from app.core.request_body import BodySizeLimitMiddleware


async def read_all(scope: Scope, receive: Receive, send: Send) -> None:
    while (await receive())["type"] == "http.request":
        pass


async def test_messages_other_than_body_chunks_pass_untouched() -> None:
    """A disconnect is not counted as body bytes and reaches the app as is."""
    messages: list[Message] = [
        {"type": "http.request", "body": b"12345", "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        raise AssertionError(message)

    middleware = BodySizeLimitMiddleware(read_all, max_bytes=5)
    await middleware({"type": "http", "headers": []}, receive, send)

    assert messages == []


async def test_one_byte_too_many_is_refused() -> None:
    async def receive() -> Message:
        return {"type": "http.request", "body": b"123456", "more_body": False}

    async def send(message: Message) -> None:
        raise AssertionError(message)

    middleware = BodySizeLimitMiddleware(read_all, max_bytes=5)
    with pytest.raises(HTTPException) as raised:
        await middleware({"type": "http", "headers": []}, receive, send)

    assert raised.value.status_code == 413
