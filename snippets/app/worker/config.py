"""Settings of the worker and the purge job: the database, Redis, retry policy."""

from datetime import timedelta
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.config import DatabaseSettings


# --8<-- [start:worker-settings]
class PurgeSettings(DatabaseSettings):
    """The retention purge needs the database and the retention periods only."""

    # Processed-job IDs, dead letters and imports are deleted after this.
    processed_job_retention: timedelta = timedelta(days=30)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class JobPolicy(BaseSettings):
    """How a job is retried; the producer sets it, SAQ keeps it on the job."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    # Attempts per job, the first included; then it is dead-lettered.
    job_max_attempts: int = Field(default=8, ge=1, le=25)
    # Backoff with full jitter (SAQ's): retry n waits random() x min(cap, delay x
    # 2**(n-1)). The defaults spread eight attempts over about two minutes (four
    # at most): a database failover or a deploy of a partner is waited out, not
    # turned into dead letters.
    job_retry_delay_seconds: float = Field(default=2.0, gt=0, le=60)
    job_retry_max_delay_seconds: float = Field(default=300.0, gt=0, le=3600)
    # One attempt is cut off after this; a stuck job is retried, not waited on.
    job_timeout_seconds: int = Field(default=60, ge=1, le=3600)


class WorkerSettings(PurgeSettings, JobPolicy):
    """No JWT secret here: the worker needs the database and the queue only."""

    redis_url: SecretStr = Field(examples=["redis://redis:6379/0"])
    # Jobs at once, each holding one database connection: the worker's pool.
    worker_concurrency: int = Field(default=10, ge=1, le=50)
    # On SIGTERM the job in flight gets this long to finish; then it is
    # cancelled and returned to the queue. Keep it below the orchestrator's
    # grace period (Kubernetes: 30 s by default).
    worker_shutdown_grace_seconds: int = Field(default=20, ge=0, le=600)
    redis_timeout_seconds: float = Field(default=0.25, gt=0, le=5)
    # An import still pending this long after it was accepted is given to the
    # queue again (a no-op while the queue still holds its job).
    job_requeue_after: timedelta = Field(
        default=timedelta(minutes=10), ge=timedelta(minutes=1)
    )


# --8<-- [end:worker-settings]


@lru_cache
def get_worker_settings() -> WorkerSettings:
    """Read once, on first use, from the environment."""
    return WorkerSettings()  # the required fields come from the environment


@lru_cache
def get_purge_settings() -> PurgeSettings:
    return PurgeSettings()


@lru_cache
def get_job_policy() -> JobPolicy:
    """The producer's copy of the retry policy, from the same variables."""
    return JobPolicy()
