"""Small guards that keep odd input and lost connections out of the 500s."""

import logging
import uuid

import httpx
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError

from app.core.logging import scrub
from app.core.models import is_storable
from app.infra.clients.webhook import post_webhook
from app.infra.db.base import is_connection_lost


@pytest.mark.parametrize(
    ("text", "storable"),
    [("plain", True), ("e\u0301 👍", True), ("a\x00b", False), ("\ud800", False)],
)
def test_only_text_postgresql_can_store_passes(text: str, *, storable: bool) -> None:
    """NUL and lone surrogates are refused before they reach the driver."""
    assert is_storable(text) is storable


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (DBAPIError("SELECT 1", {}, Exception(), connection_invalidated=True), True),
        (InterfaceError("SELECT 1", {}, Exception()), True),
        (IntegrityError("INSERT", {}, Exception()), False),
        (ConnectionRefusedError(), True),
        (ValueError(), False),
    ],
    ids=["invalidated", "interface", "integrity", "refused", "other"],
)
def test_lost_connections_are_told_apart_from_failed_queries(
    error: BaseException, *, lost: bool
) -> None:
    """Only an unreachable database becomes a 503; a bad query stays a 500."""
    assert is_connection_lost(error) is lost


async def test_a_webhook_error_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """It runs after the response: nobody could catch it, so it is logged."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.TooManyRedirects("loop", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with caplog.at_level(logging.WARNING):
            delivered = await post_webhook(
                client,
                "http://hooks.example/x?token=s3cret",
                event_id=uuid.uuid4(),
                body=b"{}",
                budget_seconds=1,
            )

    assert delivered is False
    assert caplog.messages == ["webhook failed: TooManyRedirects"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("mail ada@example.com now", "mail *** now"),
        ("Authorization: Bearer abc.def", "Authorization: ***"),
        ("password=hunter2 leaked", "password=*** leaked"),
        ("token eyJhbGciOi.eyJzdWIi.sig", "token ***"),
        ("page=2&token=x", "page=2&token=***"),
    ],
)
def test_free_text_is_scrubbed(text: str, masked: str) -> None:
    """Secrets hidden in messages and tracebacks are masked too."""
    assert scrub(text) == masked
