"""Don't: the whole export built in memory before the first byte leaves."""

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


def fetch_all_tasks() -> list[tuple[int, str]]:
    """Stands in for `(await session.execute(select(Task))).all()`."""
    return []


# --8<-- [start:demo]
@router.get("/export.csv")
async def export_tasks() -> Response:
    rows = fetch_all_tasks()  # every row of the table, at once
    body = "id,title\n" + "".join(f"{task_id},{title}\n" for task_id, title in rows)
    # Peak memory: the rows, the string and the response copy of it; the
    # client sees nothing until all of it is ready, and proxies may time out.
    return Response(content=body, media_type="text/csv")


# --8<-- [end:demo]
