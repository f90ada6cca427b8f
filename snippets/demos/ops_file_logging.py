"""Don't: logs written to a file inside the container."""

import logging


# --8<-- [start:demo]
def configure_logging() -> None:
    # Lost when the container is replaced, invisible to `docker logs` and the
    # cluster's collector, and the file grows until the disk is full.
    handler = logging.FileHandler("/var/log/tasks-service/app.log", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)


# --8<-- [end:demo]
