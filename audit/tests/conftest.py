"""Shared set-up: a fresh rule catalogue for the package, and the example's environment."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import catalogue_source

EXAMPLE_ENVIRONMENT = {
    # What create_app() needs to build the example (nothing connects: the lifespan never runs).
    "DATABASE_URL": "postgresql+asyncpg://audit:audit@127.0.0.1:9/audit",
    "JWT_SECRET": "an-audit-only-secret-of-at-least-32-characters",
}


def pytest_configure(config: pytest.Config) -> None:
    """The package reads rules.json; write it from the catalogue before anything imports it."""
    catalogue_source.write_catalogue()


@pytest.fixture
def example_environment() -> Iterator[dict[str, str]]:
    saved = {key: os.environ.get(key) for key in EXAMPLE_ENVIRONMENT}
    os.environ.update(EXAMPLE_ENVIRONMENT)
    yield EXAMPLE_ENVIRONMENT
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()
