from fastapi import HTTPException  # expect: HTTP-IN-BUSINESS-CODE
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from static.models_stub import Task


class TaskNotFoundError(Exception):
    code = "task-not-found"


async def get_task(session: AsyncSession, task_id: int) -> Task:
    task = await session.scalar(select(Task).where(Task.id == task_id))  # expect: QUERY-IN-SERVICE
    if task is None:
        raise HTTPException(404, "no such task")  # expect: HTTP-IN-BUSINESS-CODE
    return task


async def rename(session: AsyncSession, task: Task, title: str) -> None:
    task.title = title
    await session.commit()  # expect: COMMIT-OUTSIDE-SESSION-DEPENDENCY


def find(tasks: dict[int, str], task_id: int) -> str:
    if task_id not in tasks:
        raise ValueError(f"task {task_id} not found")  # expect: BUILTIN-ERROR-FOR-EXPECTED
    if not tasks[task_id]:
        raise ValueError("empty title")  # near: BUILTIN-ERROR-FOR-EXPECTED
    if task_id < 0:
        raise TaskNotFoundError(f"task {task_id} not found")  # near: BUILTIN-ERROR-FOR-EXPECTED
    return tasks[task_id]
