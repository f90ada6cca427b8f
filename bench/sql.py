"""(e) SQL statements per request, counted on the engine of an in-process app."""

from collections.abc import Callable
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import Json
from bench.database import API, Seeded

REPEATS = 3


def _first_words(statement: str) -> str:
    """`SELECT ... FROM task JOIN user_account ...` reduced to a readable label."""
    words = statement.split()
    tables = [
        words[i + 1]
        for i, word in enumerate(words[:-1])
        if word.upper() in {"FROM", "JOIN", "INTO", "UPDATE"}
    ]
    return f"{words[0].upper()} {', '.join(dict.fromkeys(tables))}".strip()


async def measure(app_factory: Callable[[], FastAPI], seeded: Seeded) -> Json:
    """Count the statements of the list endpoint at two page sizes and of one task's GET."""
    cases = {
        "GET /tasks?limit=10": f"{API}/tasks?limit=10",
        "GET /tasks?limit=100": f"{API}/tasks?limit=100",
        "GET /tasks/{id}": f"{API}/tasks/{seeded.task_ids[0]}",
    }
    app = app_factory()
    statements: list[str] = []

    def record(*args: Any) -> None:  # noqa: ANN401  # SQLAlchemy's event signature
        statements.append(str(args[2]))

    headers = {"Authorization": f"Bearer {seeded.token}"}
    results: Json = {}
    async with LifespanManager(app) as manager:
        engine: AsyncEngine = app.state.engine
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, path in cases.items():
                # The first request may connect (and the dialect asks the server things).
                (await client.get(path, headers=headers)).raise_for_status()
                counts = []
                for _ in range(REPEATS):
                    statements.clear()
                    response = await client.get(path, headers=headers)
                    response.raise_for_status()
                    counts.append(len(statements))
                items = response.json().get("items")
                results[name] = {
                    "statements": max(counts),
                    "counts": counts,
                    "rows": len(items) if isinstance(items, list) else 1,
                    "kinds": [_first_words(s) for s in statements],
                }
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return results
