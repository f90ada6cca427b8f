"""What travels through the queue: the job envelope and each job's payload."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, JsonValue

from app.core.models import ApiModel, UtcDatetime
from app.worker.constants import JobType


# --8<-- [start:job-envelope]
class Job(BaseModel):
    """Queue-agnostic: the same envelope over SAQ, Celery, RabbitMQ or SQS."""

    # Chosen by the producer and kept on every redelivery: the dedup key.
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: JobType = Field(examples=["task.import"])
    payload: dict[str, JsonValue]
    enqueued_at: UtcDatetime


# --8<-- [end:job-envelope]


class TaskImport(ApiModel):
    """Payload of `task.import`: an ID; the import's row holds the rest."""

    import_id: uuid.UUID


def import_job(import_id: uuid.UUID, *, now: datetime) -> Job:
    """The job of an import: its ID is the import's, one row and one job."""
    payload = TaskImport(import_id=import_id)
    return Job(
        id=import_id,
        type=JobType.TASK_IMPORT,
        payload=payload.model_dump(mode="json"),
        enqueued_at=now,
    )
