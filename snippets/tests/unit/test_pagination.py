"""Paging parameters and opaque cursors."""

import base64
import uuid

import pytest

from app.core.exceptions import BadRequestError
from app.core.pagination import (
    Cursor,
    InvalidCursorError,
    decode_cursor,
    encode_cursor,
    page_params,
)


def test_cursor_round_trip_is_url_safe() -> None:
    cursor = Cursor(sort="title", value="a/b+c", id=uuid.uuid4())

    token = encode_cursor(cursor)

    assert decode_cursor(token, sort="title") == cursor
    assert "=" not in token
    assert "+" not in token
    assert "/" not in token


@pytest.mark.parametrize(
    "token",
    [
        "",
        "%%%",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b'{"sort": "title"}').decode(),
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
    ],
)
def test_corrupt_cursor_is_a_400_error(token: str) -> None:
    with pytest.raises(InvalidCursorError) as raised:
        decode_cursor(token, sort="title")

    assert raised.value.status == 400
    assert raised.value.code == "invalid-cursor"


def test_cursor_of_another_sort_is_refused() -> None:
    token = encode_cursor(Cursor(sort="title", value="a", id=uuid.uuid4()))

    with pytest.raises(InvalidCursorError, match="another sort"):
        decode_cursor(token, sort="-title")


async def test_offset_and_cursor_together_are_refused() -> None:
    with pytest.raises(BadRequestError):
        await page_params(limit=10, offset=5, cursor="abc")


async def test_defaults() -> None:
    params = await page_params()

    assert (params.limit, params.offset, params.cursor) == (50, 0, None)
