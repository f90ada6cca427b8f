from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from static.models_stub import Task


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, task_id: int) -> Task | None:
        return await self.session.scalar(select(Task).where(Task.id == task_id))  # near: QUERY-IN-SERVICE

    async def add(self, task: Task) -> None:
        self.session.add(task)
        await self.session.flush()  # near: COMMIT-OUTSIDE-SESSION-DEPENDENCY
        await self.session.commit()  # expect: COMMIT-OUTSIDE-SESSION-DEPENDENCY
