"""Tasks domain constants: error codes, states, currencies, sort orders."""

from datetime import UTC, datetime
from enum import StrEnum


# --8<-- [start:error-codes]
class ErrorCode(StrEnum):
    """Stable codes clients can branch on; wording may change, these may not."""

    TASK_NOT_FOUND = "task-not-found"
    IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused"
    IDEMPOTENCY_KEY_IN_PROGRESS = "idempotency-key-in-progress"
    IMPORT_NOT_FOUND = "import-not-found"
    TOO_MANY_IMPORTS = "too-many-imports"


# --8<-- [end:error-codes]


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class ImportStatus(StrEnum):
    """Accepted by the API, then done by the worker, or failed for good."""

    ACCEPTED = "accepted"
    DONE = "done"
    FAILED = "failed"


class Currency(StrEnum):
    """The ISO 4217 codes this service accepts: an allowlist, not a pattern."""

    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"
    CHF = "CHF"
    JPY = "JPY"


class TaskSort(StrEnum):
    """The only sort orders offered; `-` means descending."""

    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
    DUE_AT = "due_at"
    DUE_AT_DESC = "-due_at"
    TITLE = "title"
    TITLE_DESC = "-title"


TITLE_MAX_LENGTH = 200
# Titles per import: one job, one transaction of at most this many inserts.
IMPORT_MAX_TITLES = 500
DESCRIPTION_MAX_LENGTH = 5_000
AMOUNT_MAX_DIGITS = 12
AMOUNT_DECIMAL_PLACES = 2  # the most any allowed currency has (the column's scale)
# A plain decimal string: no sign, no exponent, no spaces (FMT-005).
AMOUNT_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
# ISO 4217 minor units of each allowed currency: JPY has none.
MINOR_UNITS: dict[Currency, int] = {
    Currency.EUR: 2,
    Currency.USD: 2,
    Currency.GBP: 2,
    Currency.CHF: 2,
    Currency.JPY: 0,
}

# PUT /tasks/{id} is replaced by PATCH: announced on, removed after (RFC 9745/8594).
PUT_DEPRECATED_AT = datetime(2026, 11, 1, tzinfo=UTC)
PUT_SUNSET_AT = datetime(2027, 6, 30, tzinfo=UTC)

# Rows per round trip of the export's server-side cursor (and per chunk sent).
EXPORT_BATCH_SIZE = 100
