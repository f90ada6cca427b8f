"""A route that is going away says so on every response (RFC 9745, RFC 8594)."""

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request


# --8<-- [start:deprecation]
@dataclass(frozen=True, slots=True)
class Deprecation:
    """Declared in a route's `dependencies=`: the headers of its every answer."""

    since: datetime
    sunset: datetime
    successor: str  # the replacement's path, e.g. "/api/v1/tasks/{task_id}"

    def headers(self, path_params: dict[str, Any]) -> dict[str, str]:
        # Path values are the client's text: quoted, they cannot end a header.
        values = {
            name: quote(str(value), safe="") for name, value in path_params.items()
        }
        return {
            "Deprecation": f"@{int(self.since.timestamp())}",  # RFC 9745
            "Sunset": format_datetime(self.sunset, usegmt=True),  # RFC 8594
            "Link": f'<{self.successor.format_map(values)}>; rel="successor-version"',
        }

    async def __call__(self, request: Request) -> dict[str, str]:
        """For the route's own answer (async: no hop to the thread pool)."""
        return self.headers(request.path_params)


def announced(request: Request) -> dict[str, str]:
    """What the matched route announces on every answer, errors included: read
    from the route itself, so a 401 or a 422 raised before any dependency ran
    carries it too (nothing, for an unmatched path or a route with none)."""
    route = request.scope.get("route")
    if request.method not in getattr(route, "methods", ()):
        return {}  # a 405: the path matched another method's route
    for depends in getattr(route, "dependencies", ()):
        if isinstance(depends.dependency, Deprecation):
            return depends.dependency.headers(request.path_params)
    return {}


# --8<-- [end:deprecation]
