"""Every database wait ends: statement and lock timeouts are a 503 to retry."""

from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from app.core.config import Settings
from app.infra.db.base import SessionDep
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import bearer, sign_up

TASKS = "/api/v1/tasks"


async def test_timeouts_are_set_on_every_connection(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """The settings reach PostgreSQL itself, not only SQLAlchemy."""
    async with app.state.engine.connect() as connection:
        shown = [
            await connection.scalar(text(f"SHOW {name}"))
            for name in (
                "statement_timeout",
                "lock_timeout",
                "idle_in_transaction_session_timeout",
            )
        ]

    assert shown == ["5s", "2s", "10s"]
    assert app.state.engine.pool.timeout() == 2.0


async def test_a_slow_statement_is_cancelled_and_a_503(settings: Settings) -> None:
    app = create_app(
        settings.model_copy(update={"db_statement_timeout": timedelta(seconds=0.2)})
    )

    @app.get("/slow")
    async def slow(session: SessionDep) -> None:
        await session.execute(text("SELECT pg_sleep(2)"))

    async with app_client(app) as client:
        response = await client.get("/slow")

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "database-busy"
    assert response.headers["retry-after"] == "1"


async def test_a_write_waiting_on_a_locked_row_gives_up_with_a_503(
    settings: Settings,
) -> None:
    """A row locked elsewhere: the PATCH waits lock_timeout, then a 503."""
    app = create_app(
        settings.model_copy(update={"db_lock_timeout": timedelta(seconds=0.2)})
    )
    async with app_client(app) as client:
        headers = bearer(await sign_up(client))
        task = (await client.post(TASKS, json={"title": "t"}, headers=headers)).json()
        async with app.state.engine.connect() as other:
            await other.execute(
                text("SELECT 1 FROM task WHERE id = :id FOR UPDATE"),
                {"id": task["id"]},
            )
            blocked = await client.patch(
                f"{TASKS}/{task['id']}",
                json={"title": "u"},
                headers={**headers, "If-Match": "*"},
            )
            await other.rollback()
        after = await client.patch(
            f"{TASKS}/{task['id']}", json={"title": "u"}, headers=headers
        )

    assert blocked.status_code == 503, blocked.text
    assert blocked.json()["code"] == "database-busy"
    assert after.status_code == 200
