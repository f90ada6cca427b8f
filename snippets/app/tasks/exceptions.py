"""Tasks domain errors, each a subclass of the one base error."""

from app.core.exceptions import (
    AppError,
    ConflictError,
    NotFoundError,
    TooManyRequestsError,
)
from app.tasks.constants import ErrorCode


# --8<-- [start:task-errors]
class TaskNotFoundError(NotFoundError):
    """Also raised for another user's task: a 403 would confirm it exists."""

    code = ErrorCode.TASK_NOT_FOUND
    title = "Task not found"


# --8<-- [end:task-errors]


class IdempotencyKeyReusedError(AppError):
    """The same key with another body: a client bug, never silently replayed."""

    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    title = "Idempotency key reused"
    status = 422


class IdempotencyKeyInProgressError(ConflictError):
    """The first request with this key has not finished: retry a bit later."""

    code = ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS
    title = "Idempotency key in progress"


class ImportNotFoundError(NotFoundError):
    """Unknown, purged, or another user's import: the same answer for each."""

    code = ErrorCode.IMPORT_NOT_FOUND
    title = "Import not found"


class TooManyImportsError(TooManyRequestsError):
    """The caller's earlier imports still wait: one user cannot fill the queue."""

    code = ErrorCode.TOO_MANY_IMPORTS
    title = "Too many imports"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "60"})
