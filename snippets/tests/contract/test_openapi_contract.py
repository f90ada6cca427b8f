"""Property-based contract test: every operation keeps its OpenAPI promises."""

import asyncio
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from pydantic import SecretStr
from schemathesis.checks import CHECKS, CheckContext, load_all_checks
from schemathesis.core.transport import Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import Settings
from app.main import create_app

EMAIL = "contract@example.com"
PASSWORD = "Open-api-check-2025"
# Describing itself needs no database: this app only serves /openapi.json.
DOCS_SETTINGS = Settings(
    database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
    jwt_secret=SecretStr("contract-test-secret-of-32-characters"),
    docs_enabled=True,
)


@pytest.fixture
def live_app(settings: Settings, redis_url: str) -> FastAPI:
    """The app that answers the generated requests, on the test database and
    the test Redis (imports are enqueued, never run: no worker here)."""
    return create_app(settings.model_copy(update={"redis_url": SecretStr(redis_url)}))


@pytest.fixture
def auth_headers(live_app: FastAPI) -> dict[str, str]:
    """A registered user's bearer token, so protected operations get exercised."""
    register = schema["/api/v1/users"]["POST"].Case(
        body={"email": EMAIL, "password": PASSWORD, "display_name": "Schemathesis"}
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
load_all_checks()
POSITIVE: Any = CHECKS.get_one("positive_data_acceptance")  # a plain function
# Refusals of schema-valid requests that depend on state or on where a value
# came from, which no schema can say; each is documented on its route.
STATE_REFUSALS = {
    "idempotency-key-reused",  # the same key with another body (IDEM rules)
    "invalid-cursor",  # only a cursor the service signed is valid (PAGE-002)
    "precondition-failed",  # If-Match with a tag that is not the current one
}


def accepts_valid_data(
    ctx: CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """positive_data_acceptance, except for the refusals listed above."""
    try:
        body = response.json()
    except ValueError:  # not JSON at all
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    if code in STATE_REFUSALS:
        return None
    result: bool | None = POSITIVE(ctx, response, case)
    return result


# `--checks all`: every check schemathesis has, each one a promise the API keeps.
ALL_CHECKS = [accepts_valid_data if c is POSITIVE else c for c in CHECKS.get_all()]
# What no OpenAPI document can say, per operation and check, with the reason.
# Anything not listed here is a defect of the API or of its document.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("POST /api/v1/users", "accepts_valid_data"): "A password of six different "
    "characters at least, without the address's name or the display name in it "
    "(app/users/schemas.py): the schema says so in words, JSON Schema cannot.",
    ("GET /api/v1/tasks", "accepts_valid_data"): "`cursor` with `offset` is a "
    "400: JSON Schema cannot forbid two query parameters together.",
}


def checks_for(case: schemathesis.Case[Any]) -> list[Any]:
    """Every check, less the documented gaps of this operation."""
    label = case.operation.label
    return [c for c in ALL_CHECKS if (label, c.__name__) not in KNOWN_GAPS]


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
    """No 5xx, and every status, header, content type and body is documented."""
    case.call_and_validate(
        app=live_app,  # the app on the test database answers
        headers=auth_headers,
        checks=checks_for(case),
    )


# --8<-- [end:schemathesis]


# --8<-- [start:stateful]
def empty_tasks(database_url: str) -> None:
    """Every scenario starts from no tasks: the rules it can draw depend on them."""

    async def delete() -> None:
        engine = create_async_engine(database_url, poolclass=NullPool)
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM task_idempotency_key"))
            await connection.execute(text("DELETE FROM task"))
        await engine.dispose()

    asyncio.run(delete())


def test_api_workflows_keep_their_openapi_contract(
    live_app: FastAPI, auth_headers: dict[str, str], database_url: str
) -> None:
    """Chains of calls (create, then read, change, delete) keep every check too."""
    # A schema of its own: the module's one has learnt links from the Location
    # headers of the tests above, which would make the scenarios depend on them.
    fresh = schemathesis.openapi.from_asgi("/openapi.json", create_app(DOCS_SETTINGS))
    base = fresh.as_state_machine()  # links inferred from the document

    class Workflows(base):  # type: ignore[valid-type, misc]  # built at run time
        def setup(self) -> None:
            # Otherwise a scenario meets the rows of the one before, and
            # Hypothesis sees the same choices lead to other rules (flaky).
            empty_tasks(database_url)

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"app": live_app, "headers": auth_headers}

        def validate_response(
            self,
            response: Any,  # noqa: ANN401  # schemathesis's own response type
            case: schemathesis.Case[Any],
            additional_checks: Any = None,  # noqa: ANN401  # the base's signature
            **kwargs: Any,  # noqa: ANN401  # transport arguments, unused here
        ) -> None:
            case.validate_response(response, checks=checks_for(case))

    Workflows.run(
        settings=hypothesis.settings(
            max_examples=15,  # scenarios; each runs a few linked calls
            stateful_step_count=6,
            derandomize=True,
            database=None,
            # Generate only: a replay or a shrink would meet the rows earlier
            # scenarios left in the database, which Hypothesis takes for a
            # flaky strategy; a failure is reported as first found.
            phases=[hypothesis.Phase.generate],
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


# --8<-- [end:stateful]
