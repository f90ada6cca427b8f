"""ORM table of the worker: the IDs of jobs already applied."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.infra.db.base import Base


class ProcessedJob(Base):
    """One row per applied job; written in the transaction of its effect."""

    __tablename__ = "worker_processed_job"

    job_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    job_type: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
