"""Property-based contract test: every operation keeps its OpenAPI promises."""

from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.core.config import Settings
from app.main import create_app

EMAIL = "contract@example.com"
PASSWORD = "Contract-test-2025"
# Describing itself needs no database: this app only serves /openapi.json.
DOCS_SETTINGS = Settings(
    database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
    jwt_secret=SecretStr("contract-test-secret-of-32-characters"),
    docs_enabled=True,
)


@pytest.fixture
def live_app(settings: Settings) -> FastAPI:
    """The app that answers the generated requests, on the test database."""
    return create_app(settings)


@pytest.fixture
def auth_headers(live_app: FastAPI) -> dict[str, str]:
    """A registered user's bearer token, so protected operations get exercised."""
    register = schema["/api/v1/users"]["POST"].Case(
        body={"email": EMAIL, "password": PASSWORD, "display_name": "Contract"}
    )
    registered = register.call(app=live_app)
    assert registered.status_code == 202, registered.text
    login = schema["/api/v1/auth/token"]["POST"].Case(
        body={"username": EMAIL, "password": PASSWORD},
        media_type="application/x-www-form-urlencoded",
    )
    token = login.call(app=live_app)
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


# --8<-- [start:schemathesis]
# One pytest test per operation, generated from the document the app serves.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(DOCS_SETTINGS))


@schema.parametrize()
@hypothesis.settings(
    max_examples=10,  # per operation: the whole contract run stays under a minute
    derandomize=True,  # the same examples on every run and every machine
    database=None,  # no replay of earlier local failures: CI and laptops agree
    deadline=None,  # the first request pays for warming up the database pool
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
def test_api_keeps_its_openapi_contract(
    case: schemathesis.Case[Any], live_app: FastAPI, auth_headers: dict[str, str]
) -> None:
    """No 5xx, and every status, content type and body is the documented one."""
    case.call_and_validate(
        app=live_app,  # the app on the test database answers
        headers=auth_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


# --8<-- [end:schemathesis]
