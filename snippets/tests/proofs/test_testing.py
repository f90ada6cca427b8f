"""Proofs of the Testing rules, with the example's own fixtures and configuration."""

import asyncio
import re
import tomllib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from fastapi import FastAPI
from pydantic import BaseModel, JsonValue, SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.pagination import CursorSigner, PageParams
from app.main import create_app
from app.tasks import repository as task_repo
from app.tasks import service as task_service
from app.tasks.constants import TaskSort
from app.tasks.models import Task
from app.tasks.repository import TaskRow
from app.tasks.schemas import TaskCreate
from app.users.models import User
from demos import (
    tst_copied_payload,
    tst_critical_only_coverage,
    tst_drifted_contract,
    tst_service_owns_engine,
    tst_sqlite_standin,
    tst_two_loops,
)
from tests.factories import TaskCreateFactory, task_row

SNIPPETS = Path(__file__).resolve().parents[2]
# The service only passes the session on to the (faked) repository.
NO_SESSION: Any = None


async def fake_list(
    session: AsyncSession, owner_id: uuid.UUID, *, limit: int, **_: object
) -> Sequence[TaskRow]:
    return [task_row("only")]


async def service_with_a_fake_repository() -> object:
    """Do: the service, its session a placeholder, its repository faked."""
    page = PageParams(limit=2, offset=0, cursor=None, signer=CursorSigner(b"k" * 32))
    return await task_service.list_tasks(
        NO_SESSION, uuid.uuid4(), page=page, sort=TaskSort.TITLE
    )


async def service_owning_its_engine() -> object:
    """Don't: the demo's service, which opens its own database."""
    return await tst_service_owns_engine.count_tasks(uuid.uuid4())


async def runs_without_a_database(call: Callable[[], Awaitable[object]]) -> bool:
    try:
        await call()
    except Exception:  # noqa: BLE001  # whatever it raised, it needed a database
        return False
    return True


# --8<-- [start:tst-001]
@pytest.mark.rule("TST-001")
@pytest.mark.parametrize(
    ("call", "holds"),
    [(service_with_a_fake_repository, True), (service_owning_its_engine, False)],
    ids=["do", "dont"],
)
async def test_business_logic_runs_without_a_database(
    *,
    call: Callable[[], Awaitable[object]],
    holds: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the repository faked, the logic runs: no database, no network."""
    monkeypatch.setattr(task_repo, "list_with_owner", fake_list)
    assert (await runs_without_a_database(call)) is holds


# --8<-- [end:tst-001]

TOO_LONG = "x" * 1000


# --8<-- [start:tst-002]
@pytest.mark.rule("TST-002")
async def test_the_test_database_refuses_what_production_refuses(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A value longer than its VARCHAR column is an error, as in production."""
    # Do: the suite's PostgreSQL, migrated by Alembic, through the app's pool.
    user = User(email="ada@example.com", display_name=TOO_LONG, password_hash="h")
    with pytest.raises(DBAPIError, match="value too long"):
        async with sessions.begin() as session:
            session.add(user)
    # Don't: SQLite stored the same kind of row without a word.
    with tst_sqlite_standin.engine.connect() as connection:
        stored = connection.scalar(select(tst_sqlite_standin.tasks.c.title))
    assert stored is not None
    assert len(stored) > 200  # the column's declared length


# --8<-- [end:tst-002]


# --8<-- [start:tst-003]
@pytest.mark.rule("TST-003")
async def test_the_app_and_the_test_share_one_event_loop(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    auth_headers: dict[str, str],
) -> None:
    """A row the test writes on its loop is read back through the app."""
    # Do: the async client runs the app, and its lifespan's pool, on this loop.
    me = (await client.get("/api/v1/users/me", headers=auth_headers)).json()
    async with sessions.begin() as session:
        session.add(Task(owner_id=uuid.UUID(me["id"]), title="written by the test"))
    response = await client.get("/api/v1/tasks", headers=auth_headers)
    assert [task["title"] for task in response.json()["items"]] == [
        "written by the test"
    ]
    # Don't: a sync client's second loop cannot await what this loop created.
    connection = asyncio.get_running_loop().create_future()
    with pytest.raises(RuntimeError, match="attached to a different loop"):
        tst_two_loops.sync_client_get(connection)
    connection.cancel()


# --8<-- [end:tst-003]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
DOCS = Settings(
    database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
    jwt_secret=SecretStr("contract-test-secret-of-32-characters"),
    docs_enabled=True,
)
SERVICE_SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app(DOCS))
DRIFTED_SCHEMA = schemathesis.openapi.from_asgi(
    "/openapi.json", tst_drifted_contract.app
)


@pytest.fixture
def live_app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def token(live_app: FastAPI) -> dict[str, str]:
    """A bearer token of a user registered through the contract's own Cases."""
    user: dict[str, JsonValue] = {
        "email": "c@example.com",
        "password": "Contract-test-2025!",
        "display_name": "C",
    }
    users = SERVICE_SCHEMA["/api/v1/users"]["POST"]
    assert users.Case(body=user).call(app=live_app).status_code == 202
    form: dict[str, JsonValue] = {
        "username": user["email"],
        "password": user["password"],
    }
    sign_in = SERVICE_SCHEMA["/api/v1/auth/token"]["POST"].Case(
        body=form, media_type="application/x-www-form-urlencoded"
    )
    return {
        "Authorization": f"Bearer {sign_in.call(app=live_app).json()['access_token']}"
    }


def keeps_its_contract(
    schema: Any,  # noqa: ANN401  # schemathesis' loaded schema type is internal
    app: FastAPI,
    headers: dict[str, str],
) -> bool:
    case = schema["/api/v1/tasks"]["POST"].Case(body={"title": "Write the spec"})
    try:
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)
    except (AssertionError, FailureGroup):
        return False
    return True


# --8<-- [start:tst-004]
@pytest.mark.rule("TST-004")
def test_schemathesis_checks_the_response_against_the_document(
    live_app: FastAPI, token: dict[str, str]
) -> None:
    """The contract suite's checks pass on the service and catch the drift."""
    # Do: the service answers what its OpenAPI document promises.
    assert keeps_its_contract(SERVICE_SCHEMA, live_app, token)
    # Don't: the document promises `id`; the code sends `task_id`.
    assert not keeps_its_contract(DRIFTED_SCHEMA, tst_drifted_contract.app, {})


# --8<-- [end:tst-004]


def factory_payload() -> tuple[type[BaseModel], object]:
    """Do: what the example's factory builds, as a test would send it."""
    return TaskCreate, TaskCreateFactory.build().model_dump(mode="json")


def copied_payload() -> tuple[type[BaseModel], object]:
    """Don't: the dictionary pasted into every test."""
    return tst_copied_payload.TaskCreate, tst_copied_payload.PAYLOAD


# --8<-- [start:tst-005]
@pytest.mark.rule("TST-005")
@pytest.mark.parametrize(
    ("make_payload", "holds"),
    [(factory_payload, True), (copied_payload, False)],
    ids=["do", "dont"],
)
def test_test_data_is_valid_by_default(
    *, make_payload: Callable[[], tuple[type[BaseModel], object]], holds: bool
) -> None:
    """The data a test starts from passes its schema's validation, as it is now."""
    schema, payload = make_payload()
    errors = schema.__pydantic_validator__.validate_python
    try:
        errors(payload)
    except ValueError:
        assert not holds
    else:
        assert holds


@pytest.mark.rule("TST-005")
def test_a_seeded_factory_builds_the_same_data_every_run() -> None:
    """Reseeding reproduces the data, so a failing run can be replayed."""

    def build() -> list[tuple[str, str | None, object]]:
        TaskCreateFactory.seed_random(2025)  # seeds its Faker too
        return [(t.title, t.description, t.budget) for t in TaskCreateFactory.batch(3)]

    assert build() == build()


# --8<-- [end:tst-005]


def example_coverage() -> dict[str, Any]:
    """Do: the example's coverage settings and the floor its pytest run enforces."""
    project = tomllib.loads((SNIPPETS / "pyproject.toml").read_text())
    addopts = " ".join(project["tool"]["pytest"]["ini_options"]["addopts"])
    floor = re.search(r"--cov-fail-under=(\d+)", addopts)
    assert floor is not None
    run = project["tool"]["coverage"]["run"]
    return {"run": run, "report": {"fail_under": int(floor[1])}}


# --8<-- [start:tst-006]
@pytest.mark.rule("TST-006")
@pytest.mark.parametrize(
    ("coverage", "holds"),
    [(example_coverage(), True), (tst_critical_only_coverage.COVERAGE, False)],
    ids=["do", "dont"],
)
def test_coverage_is_measured_on_all_of_app_with_branches(
    *, coverage: dict[str, Any], holds: bool
) -> None:
    """All of `app`, branches counted, and a floor of at least 95 %."""
    run, report = coverage["run"], coverage["report"]
    whole_package = run.get("source") == ["app"] and run.get("branch") is True
    assert (whole_package and report["fail_under"] >= 95) is holds


@pytest.mark.rule("TST-006")
def test_ci_runs_the_tests_with_the_same_floor() -> None:
    """The CI job fails below 95 % branch coverage too."""
    workflow = yaml.safe_load((SNIPPETS / ".github/workflows/ci.yml").read_text())
    commands = " ".join(
        step.get("run", "") for step in workflow["jobs"]["tests"]["steps"]
    )
    assert "--cov-fail-under=95" in commands
    assert "--cov-branch" in commands


# --8<-- [end:tst-006]
