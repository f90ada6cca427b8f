"""Anti-pattern: a domain that raises built-in exceptions for expected failures."""

import uuid


# --8<-- [start:demo]
def get_task(tasks: dict[uuid.UUID, str], task_id: uuid.UUID) -> str:
    if task_id not in tasks:
        # A ValueError has no status and no code: the handler can only guess
        # (a 500?), and callers cannot catch "not found" apart from bad input.
        raise ValueError(f"task {task_id} not found")
    return tasks[task_id]


# --8<-- [end:demo]
