"""Do: a large export streamed in batches; memory stays flat whatever its size."""

import csv
import io
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


async def fetch_batches(size: int) -> AsyncIterator[list[tuple[int, str]]]:
    """Stands in for a server-side cursor (`session.stream(...)`)."""
    yield [(1, "Write the spec"), (2, "Review it")][:size]


# --8<-- [start:demo]
async def csv_lines() -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "title"])
    async for batch in fetch_batches(size=500):
        writer.writerows(batch)
        yield buffer.getvalue()  # one chunk per batch, then forget it
        buffer.seek(0)
        buffer.truncate()


@router.get("/export.csv", response_class=StreamingResponse)
async def export_tasks() -> StreamingResponse:
    return StreamingResponse(
        csv_lines(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="tasks.csv"'},
    )


# --8<-- [end:demo]
