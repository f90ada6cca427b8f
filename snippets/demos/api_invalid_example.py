"""Anti-pattern: an example written by hand that the model itself rejects."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


# --8<-- [start:demo]
class TaskCreate(BaseModel):
    # Copied from an old version of the API: the field was renamed, the amount
    # became a decimal string, and due dates must carry a time zone.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "File taxes", "budget": 120.5, "due": "tomorrow"}]
        }
    )

    title: str = Field(min_length=1, max_length=200)
    budget: Decimal | None = None
    due_at: datetime | None = None


# --8<-- [end:demo]
