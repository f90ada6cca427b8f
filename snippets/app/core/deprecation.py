"""A route that is going away says so on every response (RFC 9745, RFC 8594)."""

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote

from fastapi import Request


# --8<-- [start:deprecation]
@dataclass(frozen=True, slots=True)
class Deprecation:
    """A route dependency: the headers of every answer of a deprecated route
    (async: FastAPI runs a plain function in its thread pool)."""

    since: datetime
    sunset: datetime
    successor: str  # the replacement's path, e.g. "/api/v1/tasks/{task_id}"

    async def __call__(self, request: Request) -> dict[str, str]:
        # Path values are the client's text: quoted, they cannot end a header.
        values = {
            name: quote(value, safe="") for name, value in request.path_params.items()
        }
        headers = {
            "Deprecation": f"@{int(self.since.timestamp())}",  # RFC 9745
            "Sunset": format_datetime(self.sunset, usegmt=True),  # RFC 8594
            "Link": f'<{self.successor.format_map(values)}>; rel="successor-version"',
        }
        # problem_response() adds them to the route's errors as well.
        request.state.route_headers = headers
        return headers


# --8<-- [end:deprecation]
