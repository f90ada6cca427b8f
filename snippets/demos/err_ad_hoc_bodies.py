"""Anti-pattern: every route invents its own error body, so clients parse each one."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

router = APIRouter()


# --8<-- [start:demo]
@router.get("/tasks/{task_id}")
async def read_task(task_id: int) -> JSONResponse:
    return JSONResponse({"error": f"task {task_id} missing"}, status_code=404)


@router.get("/users/{user_id}")
async def read_user(user_id: int) -> JSONResponse:
    return JSONResponse({"ok": False, "message": "No such user"}, status_code=404)


# --8<-- [end:demo]
