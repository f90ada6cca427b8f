"""Proofs of the Data and Database rules, on the real (migrated) PostgreSQL."""

import ast
import re
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import cast

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI, Request
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    MetaData,
    func,
    inspect,
    select,
)
from sqlalchemy.exc import IntegrityError, NoResultFound
from sqlalchemy.ext.asyncio import (
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from app.infra.db.base import get_session
from app.infra.db.models import Base
from app.tasks import service as task_service
from app.tasks.models import Task
from app.tasks.schemas import TaskCreate
from app.users.models import User
from demos import (
    db_commit_in_repository,
    db_inconsistent_names,
    db_missing_constraints,
    db_n_plus_one,
    db_query_in_router,
    db_unnamed_constraints,
)
from tests.plugins.postgres import run_on_connection
from tests.sql_recorder import recorded_sql

APP_DIR = Path(__file__).resolve().parents[2] / "app"
TASKS = "/api/v1/tasks"
DEMO_METADATA = (
    db_commit_in_repository.Base.metadata,
    db_missing_constraints.Base.metadata,
)


@pytest.fixture
async def demo_sessions(
    database_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The Don'ts' own tables, next to the service's, dropped after the test."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.begin() as connection:
        for metadata in DEMO_METADATA:
            await connection.run_sync(metadata.create_all)
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        async with engine.begin() as connection:
            for metadata in DEMO_METADATA:
                await connection.run_sync(metadata.drop_all)
        await engine.dispose()


async def rows_of(
    sessions: async_sessionmaker[AsyncSession], model: type[object]
) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


QUERY_BUILDERS = {"select", "insert", "update", "delete", "text"}
TRANSACTION_CALLS = {"commit", "execute", "scalar", "scalars", "flush"}


def data_access_in(module: Path) -> list[str]:
    """Query builders imported and session calls made by a module."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "sqlalchemy"
        ):
            found += [
                alias.name for alias in node.names if alias.name in QUERY_BUILDERS
            ]
        if isinstance(node, ast.Attribute) and node.attr in TRANSACTION_CALLS:
            found.append(f".{node.attr}()")
    return found


ROUTERS = sorted(APP_DIR.glob("*/router.py"))


# --8<-- [start:db-001]
@pytest.mark.rule("STR-010")
@pytest.mark.parametrize(
    ("routers", "holds"),
    [(ROUTERS, True), ([Path(db_query_in_router.__file__)], False)],
    ids=["do", "dont"],
)
def test_routers_neither_query_nor_commit(routers: list[Path], *, holds: bool) -> None:
    """HTTP handlers call services; queries and commits live below them."""
    assert routers
    found = {router.name: data_access_in(router) for router in routers}

    assert (not any(found.values())) is holds, found


# --8<-- [end:db-001]


# --8<-- [start:db-002]
@pytest.mark.rule("DB-002")
async def test_a_failed_use_case_leaves_no_half_change(
    app: FastAPI,
    sessions: async_sessionmaker[AsyncSession],
    demo_sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Two writes, then an error: both are undone, or (Don't) one stays."""
    # Do: the request's session dependency owns the one transaction.
    dependency = cast(
        AsyncGenerator[AsyncSession, None],
        get_session(Request({"type": "http", "app": app})),
    )
    session = await anext(dependency)
    user = User(email="ada@example.com", display_name="Ada", password_hash="x")
    session.add(user)
    await session.flush()
    await task_service.create_task(session, user.id, TaskCreate(title="Pay rent"))
    with pytest.raises(LookupError):
        await dependency.athrow(LookupError("the third step failed"))
    assert await rows_of(sessions, User) == await rows_of(sessions, Task) == 0

    # Don't: the repository committed the debit before the credit failed.
    Account = db_commit_in_repository.Account  # noqa: N806  # a model class
    async with demo_sessions.begin() as setup:
        setup.add(Account(id=1, balance=100))
    async with demo_sessions() as session:
        repo = db_commit_in_repository.AccountRepository(session)
        with pytest.raises(NoResultFound):  # account 2 does not exist
            await db_commit_in_repository.transfer(repo, 1, 2, 30)
    async with demo_sessions() as session:
        assert (await session.get_one(Account, 1)).balance == 70


# --8<-- [end:db-002]


def autogenerate_diff(connection: Connection) -> list[object]:
    """What `alembic revision --autogenerate` would put into a new migration."""
    options = {"compare_type": True, "compare_server_default": True}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, Base.metadata))


# --8<-- [start:db-004]
@pytest.mark.rule("DB-004")
def test_the_migrations_build_exactly_the_models(database_url: str) -> None:
    """After `alembic upgrade head`, autogenerate finds nothing left to migrate."""
    assert run_on_connection(database_url, autogenerate_diff) == []


# --8<-- [end:db-004]


async def stored(
    sessions: async_sessionmaker[AsyncSession], rows: list[object]
) -> bool:
    """Whether the database accepts the rows (False: a constraint refused them)."""
    try:
        async with sessions.begin() as session:
            session.add_all(rows)
    except IntegrityError:
        return False
    return True


def user(email: str) -> User:
    return User(email=email, display_name="Ada", password_hash="x")


def unindexed_foreign_keys(connection: Connection) -> list[str]:
    """Foreign key columns that do not lead any index of their table."""
    inspector = inspect(connection)
    missing = []
    for table in inspector.get_table_names():
        leading = {
            tuple(index["column_names"][:1]) for index in inspector.get_indexes(table)
        }
        leading.add(
            tuple(inspector.get_pk_constraint(table)["constrained_columns"][:1])
        )
        for key in inspector.get_foreign_keys(table):
            if tuple(key["constrained_columns"][:1]) not in leading:
                missing.append(f"{table}.{key['constrained_columns'][0]}")
    return missing


# --8<-- [start:db-005]
@pytest.mark.rule("DB-005")
async def test_the_database_refuses_duplicates_and_orphans(
    sessions: async_sessionmaker[AsyncSession],
    demo_sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A second account for one address and a task of nobody are refused."""
    # Do: a unique constraint and a foreign key, declared in the models.
    assert await stored(sessions, [user("ada@example.com")])
    assert not await stored(sessions, [user("ada@example.com")])
    assert not await stored(sessions, [Task(owner_id=uuid.uuid4(), title="Orphan")])

    # Don't: both mistakes are stored.
    customer = db_missing_constraints.Customer
    assert await stored(demo_sessions, [customer(email="ada@example.com")])
    assert await stored(demo_sessions, [customer(email="ada@example.com")])
    orphan = db_missing_constraints.CustomerOrder(customer_id=999)
    assert await stored(demo_sessions, [orphan])


@pytest.mark.rule("DB-005")
def test_every_foreign_key_column_is_indexed(database_url: str) -> None:
    """PostgreSQL does not index foreign keys by itself; the models do."""
    assert run_on_connection(database_url, unindexed_foreign_keys) == []


# --8<-- [end:db-005]


ListPage = Callable[
    [httpx.AsyncClient, dict[str, str], async_sessionmaker[AsyncSession], uuid.UUID],
    Awaitable[int],
]


async def list_with_the_service(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    _sessions: async_sessionmaker[AsyncSession],
    _owner_id: uuid.UUID,
) -> int:
    response = await client.get(TASKS, headers=headers)
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


async def list_with_the_demo(
    _client: httpx.AsyncClient,
    _headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    owner_id: uuid.UUID,
) -> int:
    async with sessions() as session:
        return len(await db_n_plus_one.list_titles_and_owners(session, owner_id))


async def add_tasks(
    sessions: async_sessionmaker[AsyncSession], owner_id: uuid.UUID, count: int
) -> None:
    async with sessions.begin() as session:
        session.add_all(
            Task(owner_id=owner_id, title=f"Task {n}") for n in range(count)
        )


# --8<-- [start:db-006]
@pytest.mark.rule("DB-006")
@pytest.mark.parametrize(
    ("list_page", "holds"),
    [(list_with_the_service, True), (list_with_the_demo, False)],
    ids=["do", "dont"],
)
async def test_a_page_costs_the_same_queries_for_1_or_20_rows(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    list_page: ListPage,
    *,
    holds: bool,
) -> None:
    """Tasks with their owners: the statement count does not grow with the rows."""
    me = await client.get("/api/v1/users/me", headers=auth_headers)
    owner_id = uuid.UUID(me.json()["id"])
    counts: list[int] = []
    for added in (1, 19):  # 1 task, then 20
        await add_tasks(sessions, owner_id, added)
        with recorded_sql(app.state.engine) as statements:
            listed = await list_page(client, auth_headers, sessions, owner_id)
        assert listed == len(counts) * 19 + 1
        counts.append(len(statements))

    assert (counts[0] == counts[1]) is holds, counts


# --8<-- [end:db-006]


def database_names(connection: Connection) -> set[str]:
    """Names of every constraint and index in the migrated database."""
    inspector = inspect(connection)
    names: set[str | None] = set()
    for table in set(inspector.get_table_names()) - {"alembic_version"}:
        names.add(inspector.get_pk_constraint(table)["name"])
        for found in (
            *inspector.get_foreign_keys(table),
            *inspector.get_unique_constraints(table),
            *inspector.get_check_constraints(table),
            *inspector.get_indexes(table),
        ):
            names.add(found["name"])
    return {name for name in names if name is not None}


def model_names(metadata: MetaData) -> set[str | None]:
    """The name the code gives every constraint and index (None: unnamed)."""
    tables = metadata.tables.values()
    names: list[object] = [
        *(constraint.name for table in tables for constraint in table.constraints),
        *(index.name for table in tables for index in table.indexes),
    ]
    return {name if isinstance(name, str) else None for name in names}


# --8<-- [start:db-007]
@pytest.mark.rule("DB-007")
@pytest.mark.parametrize(
    ("metadata", "holds"),
    [(Base.metadata, True), (db_unnamed_constraints.metadata, False)],
    ids=["do", "dont"],
)
def test_every_constraint_has_its_name_in_the_code(
    metadata: MetaData, *, holds: bool
) -> None:
    """No constraint or index is left for the database to name."""
    assert (None not in model_names(metadata)) is holds


@pytest.mark.rule("DB-007")
def test_the_migrated_schema_uses_the_conventions_names(database_url: str) -> None:
    """PostgreSQL-style names, identical in the models and the database."""
    in_database = run_on_connection(database_url, database_names)

    assert in_database == model_names(Base.metadata)
    assert {
        "task_pkey",
        "task_owner_id_fkey",
        "task_owner_id_created_at_id_idx",  # every column, as PostgreSQL names it
        "user_account_email_key",
        "task_budget_complete_check",
    } <= in_database


# --8<-- [end:db-007]

SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


# Tables whose name predates their module, with why they keep it.
KEPT_NAMES = {
    # Moved from app/core into the users domain: renaming a table breaks the
    # version still running (MIG rules), so it waits for a two-step migration.
    "rate_limit_counter": "users",
}


def prefix_violations(base: type[DeclarativeBase]) -> list[str]:
    """Tables of `app.<domain>.models` that do not start with the domain's name."""
    problems = []
    for mapper in base.registry.mappers:
        parts = mapper.class_.__module__.split(".")
        if len(parts) != 3 or parts[0] != "app":
            continue  # not one of the service's domains
        domain, table = parts[1], str(mapper.class_.__tablename__)
        prefix = domain.removesuffix("s")  # tasks -> task, users -> user
        if not table.startswith(prefix) and KEPT_NAMES.get(table) != domain:
            problems.append(f"{table}: not prefixed `{prefix}` like app.{domain}")
    return problems


def naming_violations(metadata: MetaData) -> list[str]:
    """Where the tables and columns break the guideline's naming rules."""
    problems = []
    for table in metadata.tables.values():
        if not SNAKE.fullmatch(table.name) or table.name.endswith("s"):
            problems.append(f"{table.name}: not a singular snake_case name")
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if not SNAKE.fullmatch(column.name):
                problems.append(f"{name}: not snake_case")
            if isinstance(column.type, DateTime) and not column.name.endswith("_at"):
                problems.append(f"{name}: a datetime without `_at`")
            if isinstance(column.type, Date) and not column.name.endswith("_date"):
                problems.append(f"{name}: a date without `_date`")
            if column.foreign_keys and not column.name.endswith("_id"):
                problems.append(f"{name}: a reference without `_id`")
    return problems


# --8<-- [start:db-008]
@pytest.mark.rule("DB-008")
@pytest.mark.parametrize(
    ("base", "holds"),
    [(Base, True), (db_inconsistent_names.Base, False)],
    ids=["do", "dont"],
)
def test_tables_and_columns_follow_the_naming_rules(
    base: type[DeclarativeBase], *, holds: bool
) -> None:
    """Singular snake_case tables with their domain's prefix; `_at`, `_date` and
    `_id` where they belong."""
    problems = naming_violations(base.metadata) + prefix_violations(base)

    assert (not problems) is holds, problems


def test_a_table_outside_its_domains_prefix_is_found() -> None:
    """The prefix check bites: a users table named like a task's is reported."""

    class Stray(DeclarativeBase):
        pass

    class Note(Stray):
        __tablename__ = "task_note"
        __module__ = "app.users.models"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert prefix_violations(Stray) == ["task_note: not prefixed `user` like app.users"]


# --8<-- [end:db-008]
