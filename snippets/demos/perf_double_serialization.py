"""Don't: dump, re-parse and re-validate the same data on every response."""

import json
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

router = APIRouter()


class TaskRead(BaseModel):
    id: int
    title: str
    created_at: datetime


def load_tasks() -> list[TaskRead]:
    return []


# --8<-- [start:demo]
@router.get("/api/v1/tasks")
async def list_tasks() -> JSONResponse:
    tasks = load_tasks()
    # Model -> JSON text -> Python dicts -> JSON text again: three passes
    # over every row, and the OpenAPI document no longer knows the shape.
    rows = [json.loads(task.model_dump_json()) for task in tasks]
    return JSONResponse(content={"items": rows, "count": len(rows)})


# --8<-- [end:demo]
