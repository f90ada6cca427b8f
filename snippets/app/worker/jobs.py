"""The job envelope every broker carries, and the broker interface."""

import asyncio
import uuid
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, Field, JsonValue

from app.core.models import UtcDatetime


# --8<-- [start:job-envelope]
class Job(BaseModel):
    """Broker-agnostic: the same envelope over Redis, RabbitMQ or SQS."""

    # Chosen by the producer and kept on every redelivery: the dedup key.
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str = Field(examples=["task.import"])
    payload: dict[str, JsonValue]
    enqueued_at: UtcDatetime


class Broker(Protocol):
    """At-least-once delivery: a job is redelivered until it is acknowledged."""

    async def publish(self, job: Job) -> None: ...
    async def receive(self) -> Job: ...
    async def ack(self, job: Job) -> None: ...
    async def nack(self, job: Job) -> None: ...


# --8<-- [end:job-envelope]


class InMemoryBroker:
    """A broker in one process, for the tests: production plugs in a real one."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self.in_flight: dict[uuid.UUID, Job] = {}

    async def publish(self, job: Job) -> None:
        # Serialized, as on a real wire: the handler never shares the object.
        await self._queue.put(job.model_dump_json())

    async def receive(self) -> Job:
        job = Job.model_validate_json(await self._queue.get())
        self.in_flight[job.id] = job
        return job

    async def ack(self, job: Job) -> None:
        self.in_flight.pop(job.id, None)

    async def nack(self, job: Job) -> None:
        self.in_flight.pop(job.id, None)
        await self.publish(job)  # redelivered, as a real broker would

    def pending(self) -> int:
        return self._queue.qsize()


def new_job(type_: str, payload: dict[str, JsonValue], *, now: datetime) -> Job:
    """A job with a fresh ID, stamped with its enqueue time."""
    return Job(type=type_, payload=payload, enqueued_at=now)
