"""Anti-pattern: RPC-style routes: verbs in paths, POST for reads, 200 for errors."""

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class TaskRef(BaseModel):
    task_id: int


# --8<-- [start:demo]
@router.post("/getTask")  # a read sent as POST: not cacheable, not safe to retry
async def get_task(ref: TaskRef) -> dict[str, object]:
    return {"ok": False, "error": f"task {ref.task_id} not found"}  # with 200 OK


@router.post("/deleteTask")  # the verb is in the path instead of the method
async def delete_task(ref: TaskRef) -> dict[str, bool]:
    return {"ok": True}


# --8<-- [end:demo]
