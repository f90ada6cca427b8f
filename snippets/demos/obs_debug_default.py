"""Don't: the log level falls back to DEBUG when nobody sets LOG_LEVEL."""

import logging
import os


# --8<-- [start:demo]
def configure_logging() -> None:
    # Forgetting LOG_LEVEL in one environment means DEBUG there: every payload
    # and SQL parameter a library logs at debug level lands in the log store.
    level = os.environ.get("LOG_LEVEL", "DEBUG")
    logging.getLogger().setLevel(level)  # and "INFOO" fails only at start-up


# --8<-- [end:demo]
