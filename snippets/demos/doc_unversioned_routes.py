"""Anti-pattern: unversioned routes; a breaking change has nowhere to go."""

# fmt: off
# --8<-- [start:demo]
from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("/{task_id}")
async def read_task(task_id: int) -> dict[str, int]:
    return {"id": task_id}


app = FastAPI()
app.include_router(router)
# Renaming a field now breaks every client at once: there is no /api/v2 to
# put the new shape under while the old one keeps working.
print(list(app.openapi()["paths"]))
#> ['/tasks/{task_id}']
# --8<-- [end:demo]
# fmt: on
