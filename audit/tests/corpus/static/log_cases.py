import logging
import os

logger = logging.getLogger(__name__)
LOG_LEVEL = "DEBUG"  # expect: DEBUG-BY-DEFAULT
DEFAULT_LEVEL = "INFO"  # near: DEBUG-BY-DEFAULT


def configure() -> None:
    logging.getLogger().addHandler(logging.FileHandler("/var/log/app.log"))  # expect: FILE-LOGGING
    logging.getLogger().addHandler(logging.StreamHandler())  # near: FILE-LOGGING
    level = os.environ.get("LOG_LEVEL", "DEBUG")  # expect: DEBUG-BY-DEFAULT, ENV-BY-HAND
    logging.basicConfig(level=level)  # near: DEBUG-BY-DEFAULT


def created(task_id: int, email: str) -> None:
    logger.info(f"task {task_id} created")  # expect: FORMATTED-LOG-MESSAGE
    logger.info("task created", extra={"task_id": task_id})  # near: FORMATTED-LOG-MESSAGE
    logger.info("task %s created", task_id)  # near: FORMATTED-LOG-MESSAGE, PERSONAL-DATA-IN-LOG
    logger.info("registering %s", email)  # expect: PERSONAL-DATA-IN-LOG
