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


# Naive datetimes are rejected on input (AwareDatetime), stored as UTC and
# written back as RFC 3339 with a `Z`, whatever offset the client sent.
UtcDatetime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    PlainSerializer(_rfc3339, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class ApiModel(BaseModel):
    """Base of every request and response schema."""

    model_config = ConfigDict(
        from_attributes=True,  # responses are built straight from ORM objects
        extra="forbid",  # a misspelt field is a 422, not silently ignored
        str_strip_whitespace=True,
    )
