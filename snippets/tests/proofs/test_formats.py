"""Proofs of the date and money format rules, on the wire and in the database."""

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.tasks.schemas import Money
from demos import (
    fmt_float_json,
    fmt_naive_column,
    fmt_naive_datetime,
    fmt_naive_input,
)
from tests.plugins.postgres import run_on_connection

TASKS = "/api/v1/tasks"
Number = TypeVar("Number", Decimal, float)


def utc_with_z(value: str) -> bool:
    """RFC 3339 in UTC, written with `Z`."""
    parsed = datetime.fromisoformat(value)
    return value.endswith("Z") and parsed.utcoffset() == timedelta(0)


# --8<-- [start:fmt-001]
@pytest.mark.rule("FMT-001")
async def test_every_datetime_on_the_wire_is_utc_with_z(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A due date sent at +02:00 comes back as the same instant, in UTC, with Z."""
    body = {"title": "Call Berlin", "due_at": "2025-03-30T16:00:00+02:00"}

    # Do: created_at, updated_at and due_at, all in the one format.
    task = (await client.post(TASKS, json=body, headers=auth_headers)).json()
    stamps = [task["created_at"], task["updated_at"], task["due_at"]]
    assert all(utc_with_z(stamp) for stamp in stamps), stamps
    assert task["due_at"] == "2025-03-30T14:00:00Z"

    # Don't: a naive datetime is written with no zone at all.
    naive = fmt_naive_datetime.Event(at=datetime(2025, 3, 30, 14, 0))  # noqa: DTZ001  # the Don't's input
    assert not utc_with_z(json.loads(naive.model_dump_json())["at"])


# --8<-- [end:fmt-001]


# --8<-- [start:fmt-002]
@pytest.mark.rule("FMT-002")
async def test_a_datetime_without_offset_is_refused(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """`2025-03-30T16:00:00` is a 422 problem, not a guess about the zone."""
    body = {"title": "Call Berlin", "due_at": "2025-03-30T16:00:00"}

    # Do: the API says what is wrong instead of storing a guess.
    response = await client.post(TASKS, json=body, headers=auth_headers)
    assert response.status_code == 422, response.text
    assert "timezone" in response.text

    # Don't: a plain datetime field accepts it without an offset.
    reminder = fmt_naive_input.Reminder.model_validate({"due_at": body["due_at"]})
    assert reminder.due_at.tzinfo is None


# --8<-- [end:fmt-002]


def datetime_columns(connection: Connection) -> dict[str, tuple[bool, str | None]]:
    """Every datetime column: (stores the offset?, its server default)."""
    inspector = inspect(connection)
    found = {}
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            if "TIMESTAMP" in str(column["type"]).upper():
                timezone = bool(getattr(column["type"], "timezone", False))
                found[f"{table}.{column['name']}"] = (timezone, column["default"])
    return found


@pytest.fixture
async def demo_table(database_url: str) -> AsyncIterator[None]:
    """The Don't's table, created next to the service's and dropped after."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    metadata = fmt_naive_column.Base.metadata
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    try:
        yield
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
        await engine.dispose()


# --8<-- [start:fmt-003]
@pytest.mark.rule("FMT-003")
@pytest.mark.usefixtures("demo_table")
def test_timestamps_are_timestamptz_with_database_defaults(database_url: str) -> None:
    """The migrated schema stores instants and stamps them with now()."""
    columns = run_on_connection(database_url, datetime_columns)
    service = {name: kind for name, kind in columns.items() if "demo_" not in name}
    demo = {name: kind for name, kind in columns.items() if "demo_" in name}

    # Do: every timestamp column keeps the offset; created_at defaults to now().
    assert all(timezone for timezone, _ in service.values()), service
    assert service["task.created_at"] == (True, "now()")
    # Don't: no offset, and no default the database knows of.
    assert not any(timezone for timezone, _ in demo.values()), demo
    assert demo["demo_payment.created_at"] == (False, None)


# --8<-- [end:fmt-003]


def money_of(text: str) -> Decimal:
    return Money.model_validate({"amount": text, "currency": "EUR"}).amount


# --8<-- [start:fmt-004]
@pytest.mark.rule("FMT-004")
@pytest.mark.parametrize(
    ("parse", "holds"), [(money_of, True), (float, False)], ids=["do", "dont"]
)
def test_amounts_add_up_to_the_cent(
    parse: Callable[[str], Number], *, holds: bool
) -> None:
    """10 cents plus 20 cents is exactly 30 cents."""
    assert (parse("0.10") + parse("0.20") == parse("0.30")) is holds


@pytest.mark.rule("FMT-004")
def test_money_has_bounded_digits_and_a_known_currency() -> None:
    """A fraction of a cent and an unknown currency are validation errors."""
    for amount, currency in (("0.125", "EUR"), ("1.00", "XXX"), ("1.00", "eur")):
        with pytest.raises(ValidationError):
            Money.model_validate({"amount": amount, "currency": currency})


# --8<-- [end:fmt-004]


# --8<-- [start:fmt-005]
@pytest.mark.rule("FMT-005")
async def test_money_travels_as_a_decimal_string(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A JSON client gets "3.30", digit for digit, never a binary float."""
    budget = {"amount": str(Decimal("1.10") * 3), "currency": "EUR"}
    body = {"title": "Three coffees", "budget": budget}

    # Do: the amount is a JSON string with exactly the digits stored.
    task = (await client.post(TASKS, json=body, headers=auth_headers)).json()
    assert task["budget"]["amount"] == "3.30"

    # Don't: a float field writes the binary noise into the JSON.
    invoice = fmt_float_json.Invoice(amount=1.10 * 3, currency="EUR")
    assert json.loads(invoice.model_dump_json())["amount"] == 3.3000000000000003


# --8<-- [end:fmt-005]
