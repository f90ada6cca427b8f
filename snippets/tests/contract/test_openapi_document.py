"""The OpenAPI document says exactly what the server accepts and returns (#13)."""

from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from app.core.config import Settings
from app.main import create_app
from app.tasks.constants import Currency
from app.tasks.schemas import Money

SETTINGS = Settings(
    database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
    jwt_secret=SecretStr("document-test-secret-of-32-characters"),
    docs_enabled=True,
)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(SETTINGS).openapi()


def test_every_schema_title_is_unique(document: dict[str, Any]) -> None:
    """Two schemas with one title make generated clients drop a model."""
    titles = [s.get("title") for s in document["components"]["schemas"].values()]
    duplicates = {title for title in titles if titles.count(title) > 1}
    assert not duplicates


def test_money_is_a_string_with_a_pattern_in_and_out(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    assert "Money" in schemas
    amount = schemas["Money"]["properties"]["amount"]
    assert amount["type"] == "string"
    assert amount["pattern"]
    assert "anyOf" not in amount


@pytest.mark.parametrize("amount", [120.5, 120, "1e3", "-1.00", " 1.00", "1.234"])
def test_money_refuses_numbers_and_odd_strings(amount: object) -> None:
    """FMT-005: money is never a JSON number; only plain decimal strings pass."""
    with pytest.raises(ValidationError):
        Money.model_validate_json(f'{{"amount": {_json(amount)}, "currency": "EUR"}}')


def _json(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def test_minor_units_follow_iso_4217() -> None:
    """JPY has no minor unit: 1500.50 JPY is refused and 1500 JPY has no decimals."""
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": "1500.50", "currency": "JPY"})
    yen = Money(amount=Decimal("1500.00"), currency=Currency.JPY)
    euro = Money(amount=Decimal("120.5"), currency=Currency.EUR)
    assert yen.model_dump(mode="json")["amount"] == "1500"
    assert euro.model_dump(mode="json")["amount"] == "120.50"


def test_patch_fields_that_refuse_null_are_not_nullable(
    document: dict[str, Any],
) -> None:
    properties = document["components"]["schemas"]["TaskUpdate"]["properties"]
    for name in ("title", "description", "status"):
        assert "null" not in str(properties[name]), name
    for name in ("due_at", "budget"):  # null clears these: it stays documented
        assert "null" in str(properties[name]), name


def test_the_page_example_shows_a_next_cursor(document: dict[str, Any]) -> None:
    page = document["components"]["schemas"]["Page_TaskRead_"]
    assert all("next_cursor" in example for example in page["examples"])


def test_due_before_is_documented_as_a_date_time(document: dict[str, Any]) -> None:
    parameters = document["paths"]["/api/v1/tasks"]["get"]["parameters"]
    due = next(p for p in parameters if p["name"] == "due_before")
    assert due["schema"]["type"] == "string"
    assert due["schema"]["format"] == "date-time"
    assert "anyOf" not in due["schema"]  # optional, but never `null`


@pytest.mark.parametrize(
    ("path", "method", "status", "header"),
    [
        ("/api/v1/tasks", "post", "201", "Location"),
        ("/api/v1/tasks", "post", "201", "Idempotent-Replayed"),
        ("/api/v1/tasks", "get", "200", "ETag"),
        ("/api/v1/tasks/{task_id}", "get", "200", "ETag"),
        ("/api/v1/tasks/{task_id}", "patch", "200", "ETag"),
        ("/api/v1/tasks/export", "get", "429", "Retry-After"),
        ("/api/v1/tasks", "get", "503", "Retry-After"),
        ("/readyz", "get", "503", "Retry-After"),
    ],
)
def test_response_headers_are_declared(
    document: dict[str, Any], path: str, method: str, status: str, header: str
) -> None:
    response = document["paths"][path][method]["responses"][status]
    assert header in response.get("headers", {})


def test_a_204_declares_no_content(document: dict[str, Any]) -> None:
    delete = document["paths"]["/api/v1/tasks/{task_id}"]["delete"]
    assert "content" not in delete["responses"]["204"]


def _strings(schema: object, components: dict[str, Any]) -> list[dict[str, Any]]:
    """Every string schema reachable from `schema`, references followed."""
    if isinstance(schema, list):
        return [s for item in schema for s in _strings(item, components)]
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        return _strings(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    found = [schema] if schema.get("type") == "string" else []
    for key in ("properties", "items", "anyOf", "oneOf", "allOf", "then"):
        value = schema.get(key)
        values = value.values() if key == "properties" and value else [value]
        found += [s for v in values if v for s in _strings(v, components)]
    return found


def test_every_request_string_is_bounded(document: dict[str, Any]) -> None:
    """What a client sends to the tasks API has a size limit (OWASP API4)."""
    components = document["components"]["schemas"]
    unbounded, checked = [], 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "tasks" not in operation.get("tags", []):
                continue
            schemas = [p["schema"] for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {})
            schemas += [content["schema"] for content in body.values()]
            strings = _strings(schemas, components)
            checked += len(strings)
            unbounded += [
                f"{method.upper()} {path}: {string}"
                for string in strings
                if not {"maxLength", "enum", "const"} & set(string)
                and string.get("format") != "uuid"  # 36 characters by definition
            ]
    assert checked > 20  # titles, amounts, headers, cursor...
    assert unbounded == []
