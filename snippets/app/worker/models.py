"""ORM tables of the worker: jobs already applied, and jobs given up on."""

import uuid
from datetime import datetime

from pydantic import JsonValue
from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.infra.db.base import Base


class ProcessedJob(Base):
    """One row per applied job; written in the transaction of its effect."""

    __tablename__ = "worker_processed_job"

    job_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    job_type: Mapped[str] = mapped_column(String(100))
    # Indexed: the retention purge deletes by age.
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )


# --8<-- [start:dead-job]
class DeadJob(Base):
    """A job that failed its last attempt: kept for a person to look at."""

    __tablename__ = "worker_dead_job"

    job_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    job_type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, JsonValue]] = mapped_column(JSONB)
    attempts: Mapped[int]
    error: Mapped[str] = mapped_column(String(500))  # the type and message only
    failed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )


# --8<-- [end:dead-job]
