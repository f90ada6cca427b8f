"""The example service (snippets/app), imported by name: bench/ is typed apart from it."""

import importlib
import json
import uuid
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine


def module(name: str) -> ModuleType:
    """A module of the example service, e.g. `app.core.request_id`."""
    return importlib.import_module(name)


def create_app(**settings: Any) -> FastAPI:  # noqa: ANN401  # Settings' own field types
    """`create_app()`, with Settings read from the environment plus `settings` overrides."""
    config = module("app.core.config")
    built: FastAPI = module("app.main").create_app(config.Settings(**settings))
    return built


def request_id_var() -> ContextVar[str | None]:
    """The context variable the service's log filter reads the request ID from."""
    variable: ContextVar[str | None] = module("app.core.logging").request_id_var
    return variable


def read_sql() -> dict[str, str]:
    """The SQL of the service's two measured reads (default sort; no filter or cursor)."""
    repository, models = module("app.tasks.repository"), module("app.tasks.models")
    task = models.Task
    dialect = create_async_engine("postgresql+asyncpg://").dialect  # connects to nothing
    owned = repository._owned_rows(uuid.uuid4())  # the query itself
    expression, _ = repository._SORT_KEYS["created_at"]  # its sort key
    page = owned.order_by(expression.desc(), task.id.desc()).limit(1).offset(0)
    one = owned.where(task.id == uuid.uuid4())
    return {name: str(q.compile(dialect=dialect)) for name, q in (("list", page), ("detail", one))}


def server_options() -> dict[str, str]:
    """The event loop and HTTP protocol the image's `CMD` gives uvicorn (`--loop`, `--http`)."""
    text = (Path(__file__).parents[1] / "snippets" / "Dockerfile").read_text(encoding="utf-8")
    joined = text.replace("\\\n", " ")
    command = [line for line in joined.splitlines() if line.startswith("CMD ")][-1]
    args: list[str] = json.loads(command.removeprefix("CMD "))
    return {
        option: args[args.index(option) + 1] for option in ("--loop", "--http") if option in args
    }
