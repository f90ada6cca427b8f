"""Schema building blocks shared by every domain: the base model and UTC times."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.functional_validators import AfterValidator


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _rfc3339(value: datetime) -> str:
    # isoformat() writes +00:00; the API contract promises the `Z` form.
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --8<-- [start:utc-datetime]
# Naive datetimes are rejected on input (AwareDatetime), stored as UTC and
# written back as RFC 3339 with a `Z`, whatever offset the client sent.
UtcDatetime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    PlainSerializer(_rfc3339, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
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
