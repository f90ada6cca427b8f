"""Anti-pattern: log lines that carry e-mail addresses and whole request payloads."""

import logging

from pydantic import BaseModel

logger = logging.getLogger(__name__)


class Registration(BaseModel):
    email: str
    password: str


# --8<-- [start:demo]
def register(payload: Registration) -> None:
    # Both lines copy personal data into every log store, backup and export,
    # where a deletion request can no longer reach it; the second one logs the
    # password too.
    logger.info("registering %s", payload.email)
    logger.debug("payload: %r", payload)


# --8<-- [end:demo]
