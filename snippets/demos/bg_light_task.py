"""Do: a short, loss-tolerant follow-up runs after the response is sent."""

import logging
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, status

logger = logging.getLogger("app.tasks")
router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


# --8<-- [start:demo]
async def record_view(task_id: UUID) -> None:
    """Milliseconds of work; losing it on a crash harms nobody."""
    logger.info("task viewed", extra={"task_id": str(task_id)})


@router.post("/{task_id}/views", status_code=status.HTTP_204_NO_CONTENT)
async def add_view(task_id: UUID, background: BackgroundTasks) -> None:
    # Runs in this process after the response; no retry, no persistence.
    background.add_task(record_view, task_id)


# --8<-- [end:demo]
