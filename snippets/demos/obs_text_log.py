"""Don't: a log line as prose, which no collector can query by field."""

import logging
from uuid import UUID

logger = logging.getLogger("app.tasks")


# --8<-- [start:demo]
def log_task_created(task_id: UUID, owner_email: str, amount: str) -> None:
    # Field values are baked into a sentence: searching "all tasks of this
    # owner" or "amount > 100" now needs a regex per message wording, and the
    # owner's e-mail address (PII) lands in the log store in clear text.
    logger.info(f"Task {task_id} created by {owner_email} for {amount}")


# --8<-- [end:demo]
