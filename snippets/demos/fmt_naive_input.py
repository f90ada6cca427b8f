"""Anti-pattern: a plain `datetime` field accepts a time without an offset."""

# fmt: off
# --8<-- [start:demo]
from datetime import datetime

from pydantic import BaseModel


class Reminder(BaseModel):
    due_at: datetime  # naive and aware values alike


reminder = Reminder.model_validate_json('{"due_at": "2025-03-30T16:00:00"}')
print(reminder.due_at.tzinfo)  # 16:00 where? The server will have to guess.
#> None
# --8<-- [end:demo]
# fmt: on
