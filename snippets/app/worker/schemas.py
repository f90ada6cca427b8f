"""What travels through the queue: the job envelope and each job's payload."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, JsonValue

from app.core.models import ApiModel, UtcDatetime
from app.tasks.schemas import Title
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


def new_job(type_: JobType, payload: dict[str, JsonValue], *, now: datetime) -> Job:
    """A job with a fresh ID, stamped with its enqueue time."""
    return Job(type=type_, payload=payload, enqueued_at=now)


class TaskImport(ApiModel):
    """Payload of `task.import`: a task created for a user by another system."""

    owner_id: uuid.UUID
    title: Title
