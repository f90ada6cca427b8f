"""Anti-pattern: a service that raises HTTPException, tying business logic to HTTP."""

from fastapi import HTTPException, status


# --8<-- [start:demo]
def complete_task(statuses: dict[int, str], task_id: int) -> None:
    if task_id not in statuses:
        # A worker or a CLI calling this gets an HTTP error, and every service
        # invents its own wording, status and (missing) error code.
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Task {task_id} not found")
    statuses[task_id] = "done"


# --8<-- [end:demo]
