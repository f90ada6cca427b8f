from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from static.models_stub import Task

router = APIRouter()


async def get_db() -> AsyncSession:
    raise NotImplementedError


SessionDep = Annotated[AsyncSession, Depends(get_db)]  # near: DEPENDS-DEFAULT


@router.get("/tasks/{task_id}")
async def read_task(task_id: int, db: AsyncSession = Depends(get_db)) -> dict[str, int]:  # expect: DEPENDS-DEFAULT
    task = await db.scalar(select(Task).where(Task.id == task_id))  # expect: QUERY-IN-ROUTER
    if task is None:
        raise HTTPException(404)  # near: HTTP-IN-BUSINESS-CODE
    return {"id": task.id}


@router.get("/readyz")
async def readyz(db: SessionDep) -> dict[str, str]:
    await db.execute(text("SELECT 1"))  # near: QUERY-IN-ROUTER, LIVENESS-CHECKS-DEPENDENCY
    return {"status": "ok"}


@router.get("/healthz")
async def healthz(db: SessionDep) -> dict[str, str]:
    await db.execute(text("SELECT 1"))  # expect: LIVENESS-CHECKS-DEPENDENCY
    return {"status": "ok"}


@router.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "ok"}  # near: LIVENESS-CHECKS-DEPENDENCY


@router.get("/users/{user_id}")
async def read_user(user_id: int) -> JSONResponse:
    return JSONResponse({"error": "missing"}, status_code=404)  # expect: AD-HOC-ERROR-BODY


@router.get("/ok")
async def read_ok() -> JSONResponse:
    return JSONResponse({"fine": True}, status_code=200)  # near: AD-HOC-ERROR-BODY


@router.get("/gone")
async def read_gone() -> JSONResponse:
    body = {"type": "about:blank", "title": "Gone", "status": 410}
    return JSONResponse(body, status_code=410, media_type="application/problem+json")  # near: AD-HOC-ERROR-BODY


@router.post("/tasks/{task_id}/done")
async def mark_done(task_id: int, db: SessionDep) -> dict[str, str]:
    await db.commit()  # expect: COMMIT-OUTSIDE-SESSION-DEPENDENCY
    return {"status": "done"}
