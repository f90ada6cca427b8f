"""Record what SQLAlchemy does while a block runs: the SQL it sends (how the tests prove
there is no N+1), the connections it opens, the ORM objects it loads."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")


@contextmanager
def recorded(
    target: Any,  # noqa: ANN401  # any event target: an engine, a mapped class
    name: str,
    pick: Callable[..., T],
) -> Iterator[list[T]]:
    """`pick(*arguments)` of every `name` event `target` fires while the block runs."""
    calls: list[T] = []

    def record(*arguments: Any) -> None:  # noqa: ANN401  # the event's own arguments
        calls.append(pick(*arguments))

    event.listen(target, name, record)
    try:
        yield calls
    finally:
        event.remove(target, name, record)


def _statement(_connection: object, _cursor: object, statement: str, *_: object) -> str:
    return statement


def recorded_sql(engine: AsyncEngine) -> AbstractContextManager[list[str]]:
    """The text of every statement the engine sends while the block runs."""
    return recorded(engine.sync_engine, "before_cursor_execute", _statement)
