"""Anti-pattern: error codes typed as literals, spelt differently in two places."""

from app.core.exceptions import NotFoundError


# --8<-- [start:demo]
class TaskNotFoundError(NotFoundError):
    code = "task-not-found"  # a literal, in app/tasks/exceptions.py


class TaskGoneError(NotFoundError):
    code = "task_not_found"  # the same meaning, spelt anew in another module


# --8<-- [end:demo]
