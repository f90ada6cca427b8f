"""Capped limit/offset paging, opaque cursors and the generic page schema."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from app.core.config import Settings, SettingsDep
from app.core.constants import ErrorCode
from app.core.exceptions import BadRequestError
from app.core.models import INT32, ApiModel

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 10_000  # deeper pages cost a scan: past this, use the cursor
ItemT = TypeVar("ItemT")
CURSOR_EXAMPLE = "eyJzb3J0IjoiLWNyZWF0ZWRfYXQifQ.q3Y1-4nE2xQ0mN7pW8rT5uVzA6bC9dEfGhIjK"
# The longest sort value a list may put in a cursor, in characters: the
# tasks' title (200) is the longest today; a test checks every sort key.
SORT_VALUE_MAX_CHARS = 256
SORT_NAME_MAX_CHARS = 32


class InvalidCursorError(BadRequestError):
    code = ErrorCode.INVALID_CURSOR
    title = "Invalid cursor"


# --8<-- [start:cursor]
class Cursor(BaseModel):
    """The keyset position after the last row, and the query it belongs to."""

    model_config = ConfigDict(extra="forbid")

    sort: str = Field(max_length=SORT_NAME_MAX_CHARS)
    value: str | None = Field(max_length=SORT_VALUE_MAX_CHARS)  # bounds the cursor
    id: UUID
    scope: str  # digest of the caller and the filters: see `cursor_scope`


def cursor_scope(*parts: object) -> str:
    """Bind a cursor to who asked and with which filters, without storing them."""
    canonical = json.dumps([str(part) for part in parts], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def cursor_key(settings: Settings) -> bytes:
    """CURSOR_SECRET, or a key derived from JWT_SECRET for this one purpose."""
    if settings.cursor_secret is not None:
        return settings.cursor_secret.get_secret_value().encode()
    # Key separation: a page cursor's MAC can never be replayed as a token's.
    secret = settings.jwt_secret.get_secret_value().encode()
    return hmac.new(secret, b"page-cursor/v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --8<-- [start:signer]
class CursorSigner:
    """`payload.mac`: HMAC-SHA256 over the payload, so only we can mint one.

    Base64 hides nothing (AIP-158): the signature is what stops a client from
    editing the position or the filters. Clients must still treat it as
    opaque: its content may change with any release.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def encode(self, cursor: Cursor) -> str:
        payload = _b64(cursor.model_dump_json().encode())
        return f"{payload}.{self._mac(payload)}"

    def decode(self, token: str, *, sort: str, scope: str) -> Cursor:
        """Verify, then parse; anything forged or stale is a 400, never a 500."""
        payload, _, mac = token.partition(".")
        # compare_digest: the time taken says nothing about how much matched.
        if not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            raise InvalidCursorError("The cursor is not one this service issued.")
        try:
            cursor = Cursor.model_validate_json(_unb64(payload))
        except ValueError:  # only an old format or a leaked key gets here
            raise InvalidCursorError("The cursor is malformed.") from None
        if cursor.sort != sort:
            raise InvalidCursorError("The cursor belongs to another sort order.")
        if not hmac.compare_digest(cursor.scope, scope):
            raise InvalidCursorError("The cursor belongs to other filters.")
        return cursor
        # --8<-- [end:signer]


# --8<-- [end:cursor]


def cursor_max_length(value_chars: int, sort_chars: int = SORT_NAME_MAX_CHARS) -> int:
    """The longest cursor `CursorSigner.encode` makes, measured on the worst case.

    JSON writes a control character as six bytes (`\\u0001`) and no character
    longer (UTF-8 needs four at most), so a value made of them is the worst.
    """
    worst = Cursor(
        sort="s" * sort_chars,
        value="\x01" * value_chars,
        id=UUID(int=0),
        scope="0" * len(cursor_scope()),
    )
    return len(CursorSigner(b"").encode(worst))


CURSOR_MAX_LENGTH = cursor_max_length(SORT_VALUE_MAX_CHARS)  # about 2,300


# --8<-- [start:page-params]
@dataclass(frozen=True, slots=True)
class PageParams:
    """Where a page starts and how long it is, already validated."""

    limit: int
    offset: int
    cursor: str | None
    signer: "CursorSigner"  # checks the cursor and signs the next one


LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description="Page size.", json_schema_extra=INT32)
]
OffsetQuery = Annotated[
    int,
    Query(ge=0, le=MAX_OFFSET, description="Rows to skip.", json_schema_extra=INT32),
]


async def page_params(
    settings: SettingsDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    offset: OffsetQuery = 0,
    cursor: Annotated[
        str | SkipJsonSchema[None],
        Query(
            max_length=CURSOR_MAX_LENGTH,
            description="`next_cursor` of the previous page.",
        ),
    ] = None,
) -> PageParams:
    """Query parameters shared by every list endpoint."""
    if cursor is not None and offset:
        raise BadRequestError("Send either `offset` or `cursor`, not both.")
    signer = CursorSigner(cursor_key(settings))
    return PageParams(limit=limit, offset=offset, cursor=cursor, signer=signer)


PageParamsDep = Annotated[PageParams, Depends(page_params)]
# --8<-- [end:page-params]


class Page(ApiModel, Generic[ItemT]):
    """One page of results; `next_cursor` is null on the last page."""

    # Generic, so the example shows the envelope; the item schema has its own.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [],
                    "limit": 50,
                    "offset": None,
                    "next_cursor": CURSOR_EXAMPLE,
                },
            ]
        }
    )

    items: list[ItemT] = Field(max_length=MAX_LIMIT)
    limit: int = Field(ge=1, le=MAX_LIMIT, json_schema_extra=INT32, examples=[50])
    offset: (
        Annotated[int, Field(ge=0, le=MAX_OFFSET, json_schema_extra=INT32)] | None
    ) = Field(examples=[0])
    next_cursor: str | None = Field(
        max_length=CURSOR_MAX_LENGTH, examples=[CURSOR_EXAMPLE]
    )
