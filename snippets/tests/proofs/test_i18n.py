"""Proofs of the Internationalization rules: language-neutral keys and values."""

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation

import httpx
import pytest
from fastapi import FastAPI

from app.tasks.constants import Currency, ErrorCode
from app.tasks.schemas import Money
from demos import i18n_formatted_amount, i18n_translated_error

Fetch = Callable[[str], Awaitable[httpx.Response]]


def service_fetch(client: httpx.AsyncClient, headers: dict[str, str]) -> Fetch:
    """Do: the service, asked for a task that does not exist."""
    path = f"/api/v1/tasks/{uuid.uuid4()}"
    return lambda language: client.get(
        path, headers=headers | {"Accept-Language": language}
    )


def demo_fetch(client: httpx.AsyncClient, headers: dict[str, str]) -> Fetch:
    """Don't: the demo's translating endpoint, asked the same."""
    demo: FastAPI = i18n_translated_error.app
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo), base_url="http://t"
    )
    return lambda language: other.get(
        "/api/v1/tasks/7", headers={"Accept-Language": language}
    )


# --8<-- [start:i18n-001]
@pytest.mark.rule("I18N-001")
@pytest.mark.parametrize(
    ("make_fetch", "holds"),
    [(service_fetch, True), (demo_fetch, False)],
    ids=["do", "dont"],
)
async def test_an_error_is_the_same_key_in_every_language(
    *,
    make_fetch: Callable[[httpx.AsyncClient, dict[str, str]], Fetch],
    holds: bool,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
) -> None:
    """German and English callers get the same body, with a stable `code`."""
    fetch = make_fetch(client, auth_headers)
    english, german = [(await fetch(lang)).json() for lang in ("en", "de")]
    assert (german == english and "code" in english) is holds


@pytest.mark.rule("I18N-001")
async def test_the_code_is_the_documented_constant(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """The service's `code` is one of the error-code constants clients map to text."""
    fetch = service_fetch(client, auth_headers)
    assert (await fetch("de")).json()["code"] == ErrorCode.TASK_NOT_FOUND


# --8<-- [end:i18n-001]


def parses_as_decimal(amount: str) -> bool:
    try:
        Decimal(amount)
    except InvalidOperation:
        return False
    return True


# --8<-- [start:i18n-002]
@pytest.mark.rule("I18N-002")
@pytest.mark.parametrize(
    ("amount", "holds"),
    [
        (
            Money(amount=Decimal("1234.50"), currency=Currency("EUR")).model_dump(
                mode="json"
            )["amount"],
            True,
        ),
        (i18n_formatted_amount.german.removesuffix(" EUR"), False),
    ],
    ids=["do", "dont"],
)
def test_an_amount_leaves_the_server_as_a_plain_decimal(
    *, amount: str, holds: bool
) -> None:
    """Any client, in any locale, reads the amount the server sent exactly."""
    assert (
        parses_as_decimal(amount) and Decimal(amount) == Decimal("1234.50")
    ) is holds


# --8<-- [end:i18n-002]
