"""Non-business helpers of the tasks domain: representations and the export."""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from app.core.conditional import strong_etag
from app.core.problem_details import problem_responses
from app.core.request_id import mark_aborted
from app.tasks.models import Task
from app.tasks.repository import TaskRow
from app.tasks.schemas import TaskRead

logger = logging.getLogger(__name__)


def task_etag(task: Task) -> str:
    """The ETag of a task: the hash of exactly what GET would send."""
    return strong_etag(TaskRead.model_validate(task))


# --8<-- [start:task-read-from-row]
def task_read(row: TaskRow) -> TaskRead:
    """The representation of a row: validated, and then dumped, in pydantic-core."""
    amount, currency = row.budget_amount, row.budget_currency
    budget = None if amount is None else {"amount": amount, "currency": currency}
    return TaskRead.model_validate(
        {
            "id": row.id,
            "title": row.title,
            "description": row.description,
            "status": row.status,
            "due_at": row.due_at,
            "budget": budget,
            "owner": {"id": row.owner_id, "display_name": row.owner_display_name},
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
    )


# --8<-- [end:task-read-from-row]


# --8<-- [start:ndjson-response]
SLICE_BYTES = 16 * 1024  # a slow link takes one in seconds, not minutes


async def _in_slices(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        for start in range(0, len(chunk), SLICE_BYTES):
            yield chunk[start : start + SLICE_BYTES]


class NdjsonResponse(StreamingResponse):
    """Newline-delimited JSON: each line parses alone, so clients stream too.

    Sent in slices of 16 KiB, each of which must leave within `send_timeout`
    seconds: a client that makes no progress for that long is cut off (a
    stalled reader cannot hold its export slot for ever), while one that reads
    slowly but steadily gets the whole body, however large a batch is.
    """

    media_type = "application/x-ndjson"

    def __init__(
        self,
        content: AsyncIterator[bytes],
        *,
        send_timeout: float | None = None,
    ) -> None:
        super().__init__(_in_slices(content))
        self.send_timeout = send_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_or_give_up(message: Message) -> None:
            async with asyncio.timeout(self.send_timeout):
                await send(message)  # waits while the client's buffers are full

        try:
            await super().__call__(scope, receive, send_or_give_up)
        except TimeoutError:
            # Headers are gone: ending here makes the server drop the
            # connection, and the client sees a truncated body. The access
            # log and the metrics count it as failed, not as a 200.
            mark_aborted(scope, "send-timeout")
            logger.warning("export cut off: the client stopped reading")


async def first_chunk_now(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Make the first chunk now, in the endpoint; the rest as the body is sent.

    A failure before the first byte (a busy database, an unreadable row) is
    then raised where the exception handlers still answer a problem document
    with every header, instead of after the response has started.
    """
    first = await anext(chunks, None)

    async def replay() -> AsyncIterator[bytes]:
        if first is not None:
            yield first
        async for chunk in chunks:
            yield chunk

    return replay()


# --8<-- [end:ndjson-response]


NDJSON_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            NdjsonResponse.media_type: {
                "schema": {"type": "string"},
                "example": '{"id": "0b8e4a52-...", "title": "File the tax return"}\n'
                '{"id": "9d2c7f10-...", "title": "Renew the passport"}\n',
            }
        }
    },
    **problem_responses(429),
}
