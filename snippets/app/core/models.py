"""Schema building blocks shared by every domain: the base model and UTC times."""

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    WithJsonSchema,
)
from pydantic.functional_validators import AfterValidator

# RFC 3339 §5.6 `date-time`, with the `T` separator and a mandatory offset.
# Pydantic alone also takes epoch seconds ("532942"), a space or a bare date.
RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})",
    re.IGNORECASE,
)


def _rfc3339_only(value: object) -> object:
    # A datetime object comes from our own code (an ORM row), never the wire.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        raise ValueError("must be RFC 3339 with a timezone, e.g. 2027-04-30T17:00:00Z")
    return value


# asyncpg writes datetime.min/max as -infinity/infinity and reads those back
# naive, so both ends are refused: only the instants strictly between them.
UTC_MIN = datetime.min.replace(tzinfo=UTC)
UTC_MAX = datetime.max.replace(tzinfo=UTC)
_RANGE = "must lie after 0001-01-01T00:00:00Z and before 9999-12-31T23:59:59.999999Z"


def _to_utc(value: datetime) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is year 0 in UTC
        raise ValueError(_RANGE) from None
    if utc in (UTC_MIN, UTC_MAX):
        raise ValueError(_RANGE)
    return utc


# --8<-- [start:utc-datetime]
# Only RFC 3339 text is accepted (no epoch numbers, no naive times), stored as
# UTC whatever offset the client sent, and written back by pydantic-core with a
# `Z` (it does so for any UTC time): no Python call per value on the way out.
UtcDatetime = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339_only),
    AfterValidator(_to_utc),
    # At most nanoseconds: 35 characters. (Leap seconds, "23:59:60", are a 422.)
    WithJsonSchema({"type": "string", "format": "date-time", "maxLength": 35}),
]
# --8<-- [end:utc-datetime]


def is_storable(value: str) -> bool:
    """PostgreSQL text refuses NUL, and a lone surrogate has no UTF-8 form."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # e.g. "\ud800", which a JSON escape can carry
        return False
    return True


def _storable(value: str) -> str:
    # Either would fail in the database driver as a 500: refuse it as a 422.
    if not is_storable(value):
        raise ValueError("must not contain NUL or lone surrogate characters")
    return value


StorableStr = Annotated[str, AfterValidator(_storable)]


class ApiModel(BaseModel):
    """Base of every request and response schema."""

    model_config = ConfigDict(
        from_attributes=True,  # responses are built straight from ORM objects
        extra="forbid",  # a misspelt field is a 422, not silently ignored
        str_strip_whitespace=True,
    )


# What the schema says of every integer: 32 bits (clients pick their type from
# `format`), never negative where it is a count.
INT32: dict[str, JsonValue] = {"format": "int32"}
INT32_MAX = 2**31 - 1
Count = Annotated[int, Field(ge=0, le=INT32_MAX, json_schema_extra=INT32)]
