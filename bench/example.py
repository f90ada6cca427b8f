"""The example service (snippets/app), imported by name: bench/ is typed apart from it."""

import importlib
from contextvars import ContextVar
from types import ModuleType
from typing import Any

from fastapi import FastAPI


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
