"""Outgoing mail behind a protocol; the SDK call is blocking, so it gets a thread."""

import logging
from typing import Protocol

from fastapi.concurrency import run_in_threadpool

logger = logging.getLogger(__name__)


class MailSender(Protocol):
    """What a (synchronous) mail SDK offers; swap in the real one in production."""

    def send(self, *, to: str, subject: str, body: str) -> None: ...


class LoggingMailSender:
    """Default sender: logs that a mail would go out, without the address."""

    def send(self, *, to: str, subject: str, body: str) -> None:
        # `to` is PII: the masking formatter hides it under the `email` key.
        logger.info("mail sent", extra={"email": to, "subject": subject})


# --8<-- [start:threadpool-call]
async def send_mail(sender: MailSender, *, to: str, subject: str, body: str) -> None:
    """Run the blocking SDK call in the thread pool, off the event loop."""
    try:
        await run_in_threadpool(sender.send, to=to, subject=subject, body=body)
    except Exception:
        # A background task has no client to answer: log it and move on.
        logger.exception("mail delivery failed", extra={"subject": subject})


# --8<-- [end:threadpool-call]
