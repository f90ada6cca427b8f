"""Tasks domain errors, each a subclass of the one base error."""

from app.core.exceptions import NotFoundError
from app.tasks.constants import ErrorCode


# --8<-- [start:task-errors]
class TaskNotFoundError(NotFoundError):
    """Also raised for another user's task: a 403 would confirm it exists."""

    code = ErrorCode.TASK_NOT_FOUND
    title = "Task not found"


# --8<-- [end:task-errors]
