"""Webhooks: POST an event to a subscriber, after the response, within a budget."""

import asyncio
import logging
import uuid
from collections.abc import Callable

import httpx

from app.infra.clients.http import request_with_retry

logger = logging.getLogger(__name__)


# --8<-- [start:webhook-delivery]
async def post_webhook(
    client: httpx.AsyncClient,
    url: str,
    *,
    event_id: uuid.UUID,
    body: bytes,
    budget_seconds: float,
    on_retry: Callable[[], None] | None = None,
) -> bool:
    """Deliver one event; True once the subscriber accepted it (2xx)."""
    # POST is not idempotent. The event ID, sent as Idempotency-Key, lets the
    # subscriber drop a duplicate, and only that makes a retry safe: without
    # the header request_with_retry would send the POST exactly once.
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(event_id)}
    log = {"event_id": str(event_id)}  # never the URL: it may hold a token
    try:
        async with asyncio.timeout(budget_seconds):  # all attempts together
            response = await request_with_retry(
                client, "POST", url, content=body, headers=headers, on_retry=on_retry
            )
    except TimeoutError:
        logger.warning("webhook timed out", extra=log)
        return False
    except httpx.HTTPError as exc:
        logger.warning("webhook failed: %s", type(exc).__name__, extra=log)
        return False
    # Runs in a background task: nobody is waiting for an exception.
    logger.info("webhook answered", extra=log | {"status": response.status_code})
    return response.is_success


# --8<-- [end:webhook-delivery]
