"""Do: accept only offset-aware datetimes on input and normalize them to UTC."""

# fmt: off
# --8<-- [start:demo]
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ValidationError


def to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(to_utc)]


class Reminder(BaseModel):
    due_at: UtcDatetime


print(Reminder.model_validate_json('{"due_at": "2025-03-30T16:00:00+02:00"}'))
#> due_at=datetime.datetime(2025, 3, 30, 14, 0, tzinfo=datetime.timezone.utc)
try:
    Reminder.model_validate_json('{"due_at": "2025-03-30T16:00:00"}')
except ValidationError as exc:
    print(exc.errors()[0]["type"])
    #> timezone_aware
# --8<-- [end:demo]
# fmt: on
