"""Anti-pattern: a write path that forgets the cache; the summary stays stale."""

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import JsonValue
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks import service as task_service
from app.worker.schemas import TaskImport


# --8<-- [start:demo]
async def import_tasks(
    session: AsyncSession, payload: dict[str, JsonValue]
) -> Sequence[str]:
    """The worker's import handler, written as if the API were the only writer."""
    data = TaskImport.model_validate(payload)
    await task_service.apply_import(session, data.import_id, now=datetime.now(UTC))
    # The tasks exist now, but no key is named stale: every cached summary
    # of the owner keeps the old counts until its TTL.
    return []


# --8<-- [end:demo]
