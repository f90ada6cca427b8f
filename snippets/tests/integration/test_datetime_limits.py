"""Every datetime the API takes refuses the instants asyncpg turns into ±infinity.

asyncpg writes `datetime.min`/`datetime.max` as `-infinity`/`infinity` and reads them
back naive: a task due at either was a 201 and then a 500 on every later read. The
inputs are derived from the OpenAPI document, so a new datetime field is covered.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.config import Settings
from app.main import create_app
from tests.conftest import JWT_SECRET

TASKS = "/api/v1/tasks"
# UTC datetime.min and datetime.max, each written three ways.
LIMITS = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T01:00:00+01:00",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T22:59:59.999999-01:00",
]
# One microsecond inside: the bound is exact, not a guessed margin.
INSIDE = ["0001-01-01T00:00:00.000001Z", "9999-12-31T23:59:59.999998Z"]
# The smallest valid body of each request schema that carries a datetime.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "TaskCreate": {"title": "limits"},
    "TaskUpdate": {},
}


def _is_datetime(schema: dict[str, Any]) -> bool:
    options = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
    return any(option.get("format") == "date-time" for option in options)


def datetime_inputs(app: FastAPI) -> Iterator[tuple[str, str, str, str | None]]:
    """(method, path, "query"/"body", body schema name) per datetime input."""
    document = app.openapi()
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if _is_datetime(parameter["schema"]):
                    yield method, path, f"query:{parameter['name']}", None
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                name = media["schema"].get("$ref", "").rsplit("/", 1)[-1]
                properties = schemas.get(name, {}).get("properties", {})
                for field, schema in properties.items():
                    if _is_datetime(schema):
                        yield method, path, f"body:{field}", name


# Building the document never connects: the URL only has to be valid.
OFFLINE = Settings(
    database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
    jwt_secret=SecretStr(JWT_SECRET),
    environment="test",
)
INPUTS = list(datetime_inputs(create_app(OFFLINE)))


def test_the_derived_inputs_include_the_known_ones() -> None:
    """The derivation finds what we know is there (or it would prove nothing)."""
    found = {(method, path, where) for method, path, where, _ in INPUTS}

    assert ("get", TASKS, "query:due_before") in found
    assert ("post", TASKS, "body:due_at") in found
    assert ("patch", f"{TASKS}/{{task_id}}", "body:due_at") in found


async def _send(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    case: tuple[str, str, str, str | None],
    instant: str,
) -> httpx.Response:
    method, path, where, schema = case
    if "{task_id}" in path:
        created = await client.post(TASKS, json={"title": "t"}, headers=headers)
        path = path.replace("{task_id}", created.json()["id"])
    kind, name = where.split(":")
    if kind == "query":
        return await client.request(
            method, path, params={name: instant}, headers=headers
        )
    assert schema in VALID_BODIES, f"add a minimal valid {schema} to VALID_BODIES"
    body = VALID_BODIES[schema] | {name: instant}
    return await client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("instant", LIMITS)
@pytest.mark.parametrize("case", INPUTS, ids=lambda case: " ".join(case[:3]))
async def test_the_datetime_limits_are_a_422_that_says_the_range(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    case: tuple[str, str, str, str | None],
    instant: str,
) -> None:
    response = await _send(client, auth_headers, case, instant)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "0001-01-01T00:00:00Z" in response.text, response.text
    # Nothing was stored that the account could no longer read.
    listed = await client.get(TASKS, headers=auth_headers)
    assert listed.status_code == 200, listed.text
    assert all(task["due_at"] is None for task in listed.json()["items"])


@pytest.mark.parametrize("instant", INSIDE)
async def test_a_microsecond_inside_the_limits_round_trips(
    client: httpx.AsyncClient, auth_headers: dict[str, str], instant: str
) -> None:
    body = {"title": "edge", "due_at": instant}
    created = await client.post(TASKS, json=body, headers=auth_headers)
    assert created.status_code == 201, created.text
    task_url = f"{TASKS}/{created.json()['id']}"

    read = await client.get(task_url, headers=auth_headers)
    listed = await client.get(TASKS, params={"sort": "due_at"}, headers=auth_headers)
    summary = await client.get(f"{TASKS}/summary", headers=auth_headers)
    export = await client.get(f"{TASKS}/export", headers=auth_headers)
    deleted = await client.delete(task_url, headers=auth_headers)

    assert read.status_code == 200, read.text
    assert read.json()["due_at"] == instant
    assert [listed.status_code, summary.status_code] == [200, 200]
    assert export.status_code == 200
    assert instant in export.text
    assert deleted.status_code == 204
