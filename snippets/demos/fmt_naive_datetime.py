"""Don't: a naive datetime serializes without any offset."""

# fmt: off
# --8<-- [start:demo]
from datetime import UTC, datetime

from pydantic import BaseModel


class Event(BaseModel):
    at: datetime


naive = datetime(2025, 3, 30, 14, 0)  # noqa: DTZ001  # the anti-pattern shown
print(Event(at=naive).model_dump_json())
#> {"at":"2025-03-30T14:00:00"}
# Berlin? UTC? The server's clock? A client must guess, and DST makes it worse.

aware = datetime(2025, 3, 30, 14, 0, tzinfo=UTC)
print(Event(at=aware).model_dump_json())
#> {"at":"2025-03-30T14:00:00Z"}
# --8<-- [end:demo]
# fmt: on
