"""Anti-pattern: a module-level service that routes reach for and tests cannot swap."""

from fastapi import APIRouter


class TaskService:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    async def count(self) -> int:
        return 0


router = APIRouter()

# --8<-- [start:demo]
service = TaskService(dsn="postgresql+asyncpg://db.internal/tasks")  # built at import


@router.get("/tasks/count")
async def count_tasks() -> int:
    # A hidden dependency: a test can only monkeypatch the module global, and
    # OpenAPI, FastAPI's overrides and the lifespan know nothing about it.
    return await service.count()


# --8<-- [end:demo]
