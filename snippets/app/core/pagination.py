"""Capped limit/offset paging, opaque cursors and the generic page schema."""

import base64
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from app.core.exceptions import BadRequestError
from app.core.models import ApiModel

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 10_000  # deeper pages cost a scan: past this, use the cursor
ItemT = TypeVar("ItemT")


class InvalidCursorError(BadRequestError):
    code = "invalid-cursor"
    title = "Invalid cursor"


# --8<-- [start:page-params]
@dataclass(frozen=True, slots=True)
class PageParams:
    """Where a page starts and how long it is, already validated."""

    limit: int
    offset: int
    cursor: str | None


LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]


async def page_params(
    limit: LimitQuery = DEFAULT_LIMIT,
    offset: OffsetQuery = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=512, description="`next_cursor` of the previous page."),
    ] = None,
) -> PageParams:
    """Query parameters shared by every list endpoint."""
    if cursor is not None and offset:
        raise BadRequestError("Send either `offset` or `cursor`, not both.")
    return PageParams(limit=limit, offset=offset, cursor=cursor)


PageParamsDep = Annotated[PageParams, Depends(page_params)]
# --8<-- [end:page-params]


class Page(ApiModel, Generic[ItemT]):
    """One page of results; `next_cursor` is null on the last page."""

    # Generic, so the example shows the envelope; the item schema has its own.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"items": [], "limit": 50, "offset": 0, "next_cursor": None},
            ]
        }
    )

    items: list[ItemT]
    limit: int = Field(examples=[DEFAULT_LIMIT])
    offset: int | None = Field(examples=[0])
    next_cursor: str | None = Field(examples=["WyJjcmVhdGVkX2F0Il0"])


# --8<-- [start:cursor]
class Cursor(BaseModel):
    """The keyset position after the last row: sort name, its value, row id."""

    sort: str
    value: str | None
    id: UUID


def encode_cursor(cursor: Cursor) -> str:
    """Opaque to clients, so the keyset can change without breaking them."""
    raw = cursor.model_dump_json().encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(token: str, *, sort: str) -> Cursor:
    """Parse a cursor; anything forged or stale is a 400, never a 500."""
    try:
        padded = token + "=" * (-len(token) % 4)
        cursor = Cursor.model_validate_json(base64.urlsafe_b64decode(padded))
    except ValueError:  # bad base64, bad UTF-8, bad JSON or a bad shape
        raise InvalidCursorError("The cursor is malformed.") from None
    if cursor.sort != sort:
        raise InvalidCursorError("The cursor belongs to another sort order.")
    return cursor


# --8<-- [end:cursor]
