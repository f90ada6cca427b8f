"""Paging parameters and opaque cursors."""

import base64
import uuid

import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.exceptions import BadRequestError
from app.core.pagination import (
    Cursor,
    CursorSigner,
    InvalidCursorError,
    cursor_key,
    page_params,
)

SIGNER = CursorSigner(b"k" * 32)
SETTINGS = Settings(
    database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
    jwt_secret=SecretStr("pagination-test-secret-of-32-chars"),
)


def test_cursor_round_trip_is_url_safe() -> None:
    cursor = Cursor(sort="title", value="a/b+c", id=uuid.uuid4(), scope="s")

    token = SIGNER.encode(cursor)

    assert SIGNER.decode(token, sort="title", scope="s") == cursor
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
        SIGNER.decode(token, sort="title", scope="s")

    assert raised.value.status == 400
    assert raised.value.code == "invalid-cursor"


def test_cursor_of_another_sort_is_refused() -> None:
    token = SIGNER.encode(Cursor(sort="title", value="a", id=uuid.uuid4(), scope="s"))

    with pytest.raises(InvalidCursorError, match="another sort"):
        SIGNER.decode(token, sort="-title", scope="s")


def test_a_validly_shaped_payload_under_another_key_is_refused() -> None:
    """Only our key signs: the same JSON signed by anyone else is a 400."""
    cursor = Cursor(sort="title", value="a", id=uuid.uuid4(), scope="s")
    forged = CursorSigner(b"attacker-key" * 3).encode(cursor)

    with pytest.raises(InvalidCursorError, match="not one this service issued"):
        SIGNER.decode(forged, sort="title", scope="s")


def test_cursor_key_is_its_own_or_derived_for_one_purpose() -> None:
    derived = cursor_key(SETTINGS)
    own = cursor_key(SETTINGS.model_copy(update={"cursor_secret": SecretStr("c" * 32)}))

    assert derived != SETTINGS.jwt_secret.get_secret_value().encode()
    assert len(derived) == 32
    assert own == b"c" * 32


async def test_offset_and_cursor_together_are_refused() -> None:
    with pytest.raises(BadRequestError):
        await page_params(SETTINGS, limit=10, offset=5, cursor="abc")


async def test_defaults() -> None:
    params = await page_params(SETTINGS)

    assert (params.limit, params.offset, params.cursor) == (50, 0, None)
