"""Names the producer and the worker must agree on."""

from enum import StrEnum


class JobType(StrEnum):
    """What a job does; the handler table is keyed by it."""

    TASK_IMPORT = "task.import"


# The one SAQ function every job runs through (see `app.worker.main`).
PROCESS_JOB = "process_job"
# A dead-letter record keeps this much of the error, never a whole traceback.
ERROR_MAX_LENGTH = 500
JOB_TYPE_MAX_LENGTH = 100  # the column's length
# Rows deleted per statement by the retention purge: short locks, small WAL.
PURGE_BATCH_SIZE = 1000
# Imports looked at per requeue run; the rest wait for the next run.
REQUEUE_BATCH_SIZE = 500
# The requeue runs this often (cron syntax, SAQ's scheduler: one worker each time).
REQUEUE_CRON = "*/5 * * * *"
