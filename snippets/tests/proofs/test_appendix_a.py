"""Proofs of the Appendix A rules: how dependencies are declared and what they own."""

import contextlib
import inspect
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Self, cast

import pytest
from fastapi import FastAPI, Request
from fastapi.params import Depends, Param
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.infra.db.base import get_session
from app.tasks.router import router as tasks_router
from app.users.router import auth_router
from app.users.router import router as users_router
from demos import inj_default_depends, inj_session_without_commit


def default_markers(routes: Iterable[BaseRoute]) -> list[str]:
    """Parameters whose default is `Depends(...)`, `Query(...)` and the like."""
    return [
        f"{route.path}: {name}"
        for route in routes
        if isinstance(route, APIRoute)
        for name, parameter in inspect.signature(route.endpoint).parameters.items()
        if isinstance(parameter.default, Depends | Param)
    ]


SERVICE_ROUTES = [*tasks_router.routes, *users_router.routes, *auth_router.routes]


# --8<-- [start:inj-001]
@pytest.mark.rule("INJ-001")
@pytest.mark.parametrize(
    ("routes", "holds"),
    [(SERVICE_ROUTES, True), (inj_default_depends.router.routes, False)],
    ids=["do", "dont"],
)
def test_inj_001_dependencies_come_through_annotated_aliases(
    *, routes: list[BaseRoute], holds: bool
) -> None:
    """No route parameter takes its dependency as a `= Depends(...)` default."""
    assert (default_markers(routes) == []) is holds


# --8<-- [end:inj-001]


class RecordingSession:
    """Stands in for an AsyncSession and records what was done to it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.calls.append("close")

    async def commit(self) -> None:
        self.calls.append("commit")

    async def rollback(self) -> None:
        self.calls.append("rollback")


@pytest.fixture(autouse=True)
def _restore_demo_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Don't's module-level factory is swapped below; put it back after."""
    demo = inj_session_without_commit
    monkeypatch.setattr(demo, "session_factory", demo.session_factory)


Opener = Callable[[Callable[[], RecordingSession]], object]


def open_service_dependency(sessions: Callable[[], RecordingSession]) -> object:
    app = FastAPI()
    app.state.sessions = sessions  # what the lifespan puts there
    return get_session(Request({"type": "http", "app": app}))


def open_demo_dependency(sessions: Callable[[], RecordingSession]) -> object:
    inj_session_without_commit.session_factory = sessions  # type: ignore[assignment]  # a stand-in
    return inj_session_without_commit.get_db()


async def transaction(open_dependency: Opener, *, route_fails: bool) -> list[str]:
    """Drive the dependency as FastAPI does: yield, run the route, then finish."""
    session = RecordingSession()
    dependency = cast(AsyncGenerator[object, None], open_dependency(lambda: session))
    await anext(dependency)  # the route runs now
    if route_fails:
        with contextlib.suppress(RuntimeError):
            await dependency.athrow(RuntimeError("the route failed"))
    else:
        with contextlib.suppress(StopAsyncIteration):
            await anext(dependency)
    return session.calls


# --8<-- [start:inj-002]
@pytest.mark.rule("DB-002")
@pytest.mark.parametrize(
    ("open_dependency", "holds"),
    [(open_service_dependency, True), (open_demo_dependency, False)],
    ids=["do", "dont"],
)
async def test_inj_002_the_session_dependency_owns_the_transaction(
    *, open_dependency: Opener, holds: bool
) -> None:
    """It commits when the route succeeds, and rolls back (never commits) if not."""
    succeeded = await transaction(open_dependency, route_fails=False)
    failed = await transaction(open_dependency, route_fails=True)
    owned = "commit" in succeeded and "rollback" in failed and "commit" not in failed
    assert owned is holds


# --8<-- [end:inj-002]
