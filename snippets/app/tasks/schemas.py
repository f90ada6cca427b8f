"""Request and response schemas of the tasks endpoints."""

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, JsonValue, field_serializer, field_validator

from app.core.models import ApiModel, StorableStr, UtcDatetime
from app.tasks.constants import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Currency,
    TaskStatus,
)
from app.users.schemas import UserPublic

Title = Annotated[StorableStr, Field(min_length=1, max_length=TITLE_MAX_LENGTH)]
Description = Annotated[StorableStr, Field(max_length=DESCRIPTION_MAX_LENGTH)]


# --8<-- [start:money]
class Money(ApiModel):
    """An exact amount and its currency: Decimal in, JSON string out, never float."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"amount": "120.50", "currency": "EUR"}]}
    )

    # Pydantic writes Decimal to JSON as a string ("120.50"), so no client
    # parses it into a binary float and loses cents.
    amount: Decimal = Field(
        ge=0, max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
    )
    currency: Currency  # ISO 4217, from an allowlist

    @field_serializer("amount", when_used="json")
    def _all_cents(self, amount: Decimal) -> str:
        # "684.4" in, "684.40" out: the text every later read of the row gives.
        return str(amount.quantize(Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES)))


# --8<-- [end:money]

TASK_EXAMPLE: dict[str, JsonValue] = {
    "title": "File the tax return",
    "description": "Scan the receipts first.",
    "status": "todo",
    "due_at": "2027-04-30T17:00:00Z",
    "budget": {"amount": "120.50", "currency": "EUR"},
}


# --8<-- [start:task-create]
class TaskCreate(ApiModel):
    """What a client sends to create (or fully replace) a task."""

    model_config = ConfigDict(json_schema_extra={"examples": [TASK_EXAMPLE]})

    title: Title
    description: Description = ""
    status: TaskStatus = TaskStatus.TODO
    due_at: UtcDatetime | None = None
    budget: Money | None = None


# --8<-- [end:task-create]


class TaskUpdate(ApiModel):
    """A partial update: only the fields sent are changed."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "done"}, {"due_at": None}]}
    )

    title: Title | None = None
    description: Description | None = None
    status: TaskStatus | None = None
    due_at: UtcDatetime | None = None  # null clears the due date
    budget: Money | None = None  # null clears the budget

    @field_validator("title", "description", "status")
    @classmethod
    def not_null(cls, value: object) -> object:
        # Runs only for fields that were sent: omitted is fine, null is not.
        if value is None:
            raise ValueError("may be omitted, but not null")
        return value


# --8<-- [start:task-read]
class TaskRead(ApiModel):
    """A task as the API returns it, owner included (without their email)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                TASK_EXAMPLE
                | {
                    "id": "0b8e4a52-53cb-4b47-a4b4-6f1f3dcb3f5c",
                    "owner": {
                        "id": "5f0c2a8e-9d1b-4c3e-8f6a-1b2c3d4e5f60",
                        "display_name": "Ada",
                    },
                    "created_at": "2026-11-27T09:30:00Z",
                    "updated_at": "2026-11-27T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    title: str
    description: str
    status: TaskStatus
    due_at: UtcDatetime | None
    budget: Money | None
    owner: UserPublic
    created_at: UtcDatetime
    updated_at: UtcDatetime


# --8<-- [end:task-read]


# --8<-- [start:webhook-event]
class TaskDoneEvent(ApiModel):
    """The webhook body: IDs and a time only, no title and no personal data."""

    id: uuid.UUID  # also the Idempotency-Key: the subscriber drops duplicates
    type: Literal["task.done"] = "task.done"
    task_id: uuid.UUID
    occurred_at: UtcDatetime


# --8<-- [end:webhook-event]
