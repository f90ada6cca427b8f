"""Request/response schemas: money, UTC times and the password policy."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from app.core.models import UtcDatetime
from app.tasks.schemas import Money, TaskCreate, TaskUpdate
from app.users.schemas import UserCreate


def test_money_is_a_json_string_never_a_float() -> None:
    money = Money.model_validate({"amount": "0.10", "currency": "EUR"})

    assert money.amount == Decimal("0.10")
    assert money.model_dump_json() == '{"amount":"0.10","currency":"EUR"}'


def test_money_is_written_with_all_its_cents() -> None:
    # "684.4" in, "684.40" out: the same text the database row gives back.
    money = Money.model_validate({"amount": "684.4", "currency": "USD"})

    assert money.model_dump(mode="json")["amount"] == "684.40"


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "1.001", "currency": "EUR"},  # sub-cent
        {"amount": "-1", "currency": "EUR"},
        {"amount": "1", "currency": "eur"},
        {"amount": "1", "currency": "XXX"},  # not on the allowlist
        {"amount": "1e20", "currency": "USD"},
    ],
)
def test_invalid_money_is_rejected(data: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate(data)


def test_datetimes_are_utc_with_z() -> None:
    task = TaskCreate.model_validate(
        {"title": "t", "due_at": "2027-01-01T12:00:00-05:00"}
    )

    assert task.due_at == datetime(2027, 1, 1, 17, tzinfo=UTC)
    assert task.model_dump(mode="json")["due_at"] == "2027-01-01T17:00:00Z"


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        TaskCreate.model_validate({"title": "t", "due_at": "2027-01-01T12:00:00"})


def test_patch_may_omit_but_not_null_required_fields() -> None:
    assert TaskUpdate.model_validate({}).model_fields_set == set()
    assert TaskUpdate.model_validate({"due_at": None}).due_at is None
    with pytest.raises(ValidationError, match="not null"):
        TaskUpdate.model_validate({"status": None})


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("correct horse battery staple", True),  # NIST: no composition rules
        ("correcthorsebatterystaple", True),  # lower case alone is fine when long
        ("Sh0rt-pass-w0rd", True),  # exactly 15
        ("Sh0rt-pass-w0r", False),  # 14: under NIST's 15 for a single factor
        ("aaaaaaaaaaaaaaaaaaaa", False),  # one character over and over
        ("abcabcabcabcabcabc", False),  # three of them
        ("ada.lovelace-forever", False),  # the address's name
        ("my name is Ada Lovelace!", False),  # the display name, any casing
        ("ADA.LOVELACE is my login", False),  # the address's name, any casing
    ],
)
def test_password_policy(password: str, *, ok: bool) -> None:
    data = {
        "email": "ada.lovelace@example.com",
        "display_name": "Ada Lovelace",
        "password": password,
    }
    if ok:
        assert UserCreate.model_validate(data).password == password
    else:
        with pytest.raises(ValidationError) as raised:
            UserCreate.model_validate(data)
        assert raised.value.errors()[0]["loc"] == ("password",)


def test_a_short_name_is_not_a_word_a_password_must_avoid() -> None:
    """`al` of al@example.com occurs in good passwords by chance: not refused."""
    data = {
        "email": "al@example.com",
        "display_name": "Al",
        "password": "totally-alright-phrase",
    }
    assert UserCreate.model_validate(data)


def test_password_is_hidden_from_repr() -> None:
    data = {
        "email": "a@example.com",
        "display_name": "A",
        "password": "Secret-pass-9999",
    }

    assert "Secret-pass-9999" not in repr(UserCreate.model_validate(data))


def _serializers(schema: object) -> Iterator[str]:
    """The kind of every serializer a core schema declares, at any depth."""
    if isinstance(schema, dict):
        serialization = schema.get("serialization")
        if isinstance(serialization, dict):
            yield str(serialization.get("type"))
        for value in schema.values():
            yield from _serializers(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _serializers(value)


@pytest.mark.rule("PERF-003")
def test_utc_times_are_written_by_pydantic_core_without_a_python_hook() -> None:
    """No per-value Python call for the ~150 datetimes of a page; still `Z`."""
    adapter = TypeAdapter(UtcDatetime)
    paris = adapter.validate_python("2027-04-30T19:00:00.000450+02:00")

    assert list(_serializers(adapter.core_schema)) == []
    assert adapter.dump_json(paris) == b'"2027-04-30T17:00:00.000450Z"'


def test_the_documented_title_pattern_is_what_validation_accepts() -> None:
    """A client generated from the document sends only titles the API takes:
    a title of whitespace only is refused by both, anything else by neither."""
    pattern = re.compile(
        TaskCreate.model_json_schema()["properties"]["title"]["pattern"]
    )
    candidates = [chr(c) for c in range(1, 0x3100) if not 0xD800 <= c < 0xE000]
    candidates += ["\ufeff", " x ", "\t\u3000"]
    for text in candidates:
        documented = pattern.fullmatch(text) is not None
        try:
            TaskCreate.model_validate({"title": text})
        except ValidationError:
            accepted = False
        else:
            accepted = True
        assert documented == accepted, repr(text)
