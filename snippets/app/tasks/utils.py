"""Non-business helpers of the tasks domain: representations and validators."""

from typing import Any

from fastapi.responses import StreamingResponse

from app.core.conditional import strong_etag
from app.tasks.models import Task
from app.tasks.schemas import TaskRead


def task_etag(task: Task) -> str:
    """The ETag of a task: the hash of exactly what GET would send."""
    return strong_etag(TaskRead.model_validate(task))


class NdjsonResponse(StreamingResponse):
    """Newline-delimited JSON: each line parses alone, so clients stream too."""

    media_type = "application/x-ndjson"


NDJSON_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            NdjsonResponse.media_type: {
                "schema": {"type": "string"},
                "example": '{"id": "0b8e4a52-...", "title": "File the tax return"}\n'
                '{"id": "9d2c7f10-...", "title": "Renew the passport"}\n',
            }
        }
    }
}
