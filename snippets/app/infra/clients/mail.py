"""Outgoing mail behind a protocol; the SDK call is blocking, so it gets a thread."""

import logging
from typing import Protocol

from fastapi.concurrency import run_in_threadpool

logger = logging.getLogger(__name__)
# The SDK's own deadline per mail: a thread cannot be cancelled from outside, so
# a call without one could hold a thread-pool slot for as long as a server stalls.
MAIL_TIMEOUT_SECONDS = 10.0


class MailSender(Protocol):
    """What a (synchronous) mail SDK offers; swap in the real one in production.

    `timeout`: seconds the whole call may take (SMTP's connect and each read;
    an HTTP SDK's request timeout); past it the SDK raises.
    """

    def send(self, *, to: str, subject: str, body: str, timeout: float) -> None: ...


class LoggingMailSender:
    """Default sender: logs that a mail would go out, without the address."""

    def send(self, *, to: str, subject: str, body: str, timeout: float) -> None:
        # `to` is PII: the masking formatter hides it under the `email` key.
        logger.info("mail sent", extra={"email": to, "subject": subject})


# --8<-- [start:threadpool-call]
async def send_mail(sender: MailSender, *, to: str, subject: str, body: str) -> None:
    """Run the blocking SDK call in the thread pool, off the event loop."""
    try:
        await run_in_threadpool(
            sender.send, to=to, subject=subject, body=body, timeout=MAIL_TIMEOUT_SECONDS
        )
    except Exception:
        # The background task's last stop, whatever the SDK raises (it has no
        # client to answer): log it and move on; the account exists anyway.
        logger.exception("mail delivery failed", extra={"subject": subject})


# --8<-- [end:threadpool-call]
