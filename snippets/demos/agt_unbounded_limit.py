"""Don't: a page size the client chooses without an upper bound."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


def load_tasks(limit: int, offset: int) -> list[str]:
    return []


# --8<-- [start:demo]
@router.get("")
async def list_tasks(limit: int = 50, offset: int = 0) -> list[str]:
    # ?limit=10000000 loads the whole table into one response; a negative
    # limit reaches the database as well.
    return load_tasks(limit=limit, offset=offset)


# --8<-- [end:demo]
