"""Request and response schemas of the tasks endpoints."""

import re
import uuid
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    WithJsonSchema,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from app.core.models import ApiModel, Count, StorableStr, UtcDatetime
from app.tasks.constants import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    AMOUNT_PATTERN,
    DESCRIPTION_MAX_LENGTH,
    IMPORT_MAX_TITLES,
    MINOR_UNITS,
    TITLE_MAX_LENGTH,
    Currency,
    ImportStatus,
    TaskStatus,
)
from app.users.schemas import UserPublic

# The pattern documents what StorableStr refuses: no NUL (U+0000).
NO_NUL: dict[str, JsonValue] = {"pattern": "^[^\\u0000]*$"}
# A title is stripped first (pydantic strips Unicode White_Space), so it needs
# one character outside that set; spelled out, as JSON Schema's \s also takes
# U+FEFF, which pydantic keeps.
_STRIPPED = (
    "\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680"
    "\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
NOT_BLANK: dict[str, JsonValue] = {
    "pattern": f"^[^\\u0000]*[^\\u0000{_STRIPPED}][^\\u0000]*$"
}
Title = Annotated[
    StorableStr,
    Field(min_length=1, max_length=TITLE_MAX_LENGTH, json_schema_extra=NOT_BLANK),
]
Description = Annotated[
    StorableStr, Field(max_length=DESCRIPTION_MAX_LENGTH, json_schema_extra=NO_NUL)
]


# Currencies without a minor unit: their amounts have no decimals but zeros.
WHOLE_UNITS_PATTERNS = {
    code: r"^[0-9]{1,10}(\.0{1,2})?$"
    for code, units in MINOR_UNITS.items()
    if not units
}


def _decimal_text(value: object) -> object:
    # A Decimal comes from our own rows; from the wire only a plain decimal
    # string passes: no JSON number (a float already lost cents), no "1e3".
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str) or not re.fullmatch(AMOUNT_PATTERN, value):
        raise ValueError('must be a decimal string such as "120.50"')
    return value


# --8<-- [start:money]
Amount = Annotated[
    Decimal,
    BeforeValidator(_decimal_text),
    Field(ge=0, max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES),
    # Pydantic would document `number | string`; the wire form is a string only.
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "maxLength": 13}),
]


class Money(ApiModel):
    """An exact amount and its currency: a decimal string in and out, never float."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"amount": "120.50", "currency": "EUR"}],
            # What the validator below enforces, said in JSON Schema too.
            "allOf": [
                {
                    "if": {"properties": {"currency": {"const": code}}},
                    "then": {"properties": {"amount": {"pattern": pattern}}},
                }
                for code, pattern in WHOLE_UNITS_PATTERNS.items()
            ],
        },
        # One schema for input and output: a shared title makes client
        # generators drop one of "Money-Input" and "Money-Output".
        json_schema_mode_override="validation",
    )

    amount: Amount
    currency: Currency  # ISO 4217, from an allowlist

    @model_validator(mode="after")
    def _fits_minor_units(self) -> Self:
        # ISO 4217 minor units: cents for EUR, none for JPY ("1500.50" JPY).
        if self.amount != self.amount.quantize(self._unit()):
            places = MINOR_UNITS[self.currency]
            raise ValueError(f"{self.currency} has {places} decimal places at most")
        return self

    @field_serializer("amount", when_used="json")
    def _exact_text(self, amount: Decimal) -> str:
        return str(amount.quantize(self._unit()))  # "120.50" EUR, "1500" JPY

    def _unit(self) -> Decimal:
        return Decimal(1).scaleb(-MINOR_UNITS[self.currency])


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

    # May be omitted, never null: SkipJsonSchema keeps `null` out of the
    # document, so it does not promise what the validator below refuses.
    title: Title | SkipJsonSchema[None] = None
    description: Description | SkipJsonSchema[None] = None
    status: TaskStatus | SkipJsonSchema[None] = None
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


# --8<-- [start:import-schemas]
class TaskImportCreate(ApiModel):
    """A bulk import: too many tasks to create while the client waits."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"titles": ["Plan", "Build"]}]}
    )

    titles: list[Title] = Field(
        min_length=1, max_length=IMPORT_MAX_TITLES, examples=[["Plan", "Build"]]
    )


class TaskImportRead(ApiModel):
    """Where an import stands; `done` once every task of it exists."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6a1c0f3e-8d2b-4f5a-9e7c-1b2d3e4f5a6b",
                    "status": "done",
                    "title_count": 2,
                    "accepted_at": "2026-12-01T09:30:00Z",
                    "done_at": "2026-12-01T09:30:02Z",
                }
            ]
        }
    )

    id: uuid.UUID
    status: ImportStatus = Field(examples=["accepted"])
    title_count: Count = Field(examples=[2])
    accepted_at: UtcDatetime
    done_at: UtcDatetime | None


# --8<-- [end:import-schemas]
