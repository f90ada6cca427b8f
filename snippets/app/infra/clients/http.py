"""The one outbound HTTP client: timeouts, pool limits, retries, time budgets."""

import asyncio
import logging
import random
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from app.core.logging import request_id_var

logger = logging.getLogger(__name__)


# --8<-- [start:http-client]
def create_http_client() -> httpx.AsyncClient:
    """Created once in the lifespan and shared, so connections are pooled."""
    return httpx.AsyncClient(
        # Every phase is bounded: a slow peer can never hang a request.
        timeout=httpx.Timeout(5.0, connect=2.0),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        follow_redirects=False,
        event_hooks={"request": [_propagate_request_id]},
    )


async def _propagate_request_id(request: httpx.Request) -> None:
    # The correlation ID follows the call into the next service's logs.
    if (request_id := request_id_var.get()) is not None:
        request.headers.setdefault("X-Request-ID", request_id)


# --8<-- [end:http-client]


# --8<-- [start:retry]
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Transient: the peer is overloaded, restarting or behind a failing gateway.
# A 500 is a defect of the peer; sending it again only adds load.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_DELAY_SECONDS = re.compile(r"[0-9]+")


def is_retryable(method: str, headers: Mapping[str, str]) -> bool:
    """Safe to send twice: an idempotent method, or a POST the peer dedupes."""
    # A POST may have been applied before the connection broke; only an
    # Idempotency-Key lets the receiver recognise the replay and skip it.
    keyed = any(name.lower() == "idempotency-key" for name in headers)
    return method.upper() in IDEMPOTENT_METHODS or keyed


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the peer asked us to wait (RFC 9110 §10.2.3), None if unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if _DELAY_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT; anything else is noise
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def request_with_retry(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    attempts: int = 3,
    base_delay: float = 0.2,
    max_delay: float = 2.0,
    on_retry: Callable[[], None] | None = None,
) -> httpx.Response:
    """Retry transient failures with exponential backoff, full jitter and the
    peer's Retry-After; never wait longer than `max_delay` between attempts."""
    headers = headers or {}
    retries = attempts if is_retryable(method, headers) else 1
    for attempt in range(1, retries + 1):
        asked = None
        try:
            response = await client.request(
                method, url, content=content, headers=headers
            )
        except httpx.TransportError:
            if attempt == retries:
                raise
        else:
            if response.status_code not in RETRYABLE_STATUSES or attempt == retries:
                return response
            asked = retry_after(response)
            if asked is not None and asked > max_delay:
                return response  # later than we may wait: the caller decides
            await response.aclose()
        # Full jitter: spreads the retries of many clients over the window.
        delay = random.uniform(0, min(max_delay, base_delay * 2**attempt))  # noqa: S311  # not cryptographic
        delay = max(delay, asked or 0.0)  # never earlier than the peer asked
        # The host only: a webhook URL may carry a token in its path.
        logger.warning("retrying %s %s in %.2fs", method, httpx.URL(url).host, delay)
        if on_retry is not None:
            on_retry()  # e.g. the http_client_retries counter
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover  # the loop returns


# --8<-- [end:retry]


# --8<-- [start:time-budget]
async def fetch_json(
    client: httpx.AsyncClient, url: str, *, budget_s: float = 3.0
) -> object:
    """GET with retries, all within one budget that cancels whatever is left."""
    async with asyncio.timeout(budget_s):  # TimeoutError when the budget is spent
        response = await request_with_retry(client, "GET", url)
        response.raise_for_status()
        return response.json()


# --8<-- [end:time-budget]
