"""Anti-pattern: business rules and storage in the route, where nothing reuses them."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel

router = APIRouter(prefix="/tasks")
TASKS: dict[int, dict[str, object]] = {}


class TaskIn(BaseModel):
    title: str


# --8<-- [start:demo]
@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskIn) -> dict[str, object]:
    # The duplicate rule, the clean-up and the storage all live in the HTTP layer:
    # a worker or a CLI that creates tasks has to copy them, and tests need HTTP.
    title = payload.title.strip()
    if any(task["title"] == title for task in TASKS.values()):
        raise HTTPException(status.HTTP_409_CONFLICT, "duplicate title")
    task_id = len(TASKS) + 1
    TASKS[task_id] = {"id": task_id, "title": title, "created_at": datetime.now(UTC)}
    return TASKS[task_id]


# --8<-- [end:demo]
