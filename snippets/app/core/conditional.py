"""Conditional requests (RFC 9110 §13): ETag, If-None-Match and If-Match."""

import hashlib

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from app.core.exceptions import PreconditionFailedError

# Per-user data: only the client's own cache may keep it, and must revalidate.
PRIVATE_NO_CACHE = "private, no-cache"


class NotModifiedError(Exception):
    """Raised by a GET whose representation the client already has."""

    def __init__(self, etag: str) -> None:
        self.etag = etag
        super().__init__(etag)


def strong_etag(body: BaseModel) -> str:
    """A strong validator: the hash of the serialized representation itself."""
    digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    return f'"{digest[:32]}"'


def _entity_tags(header: str) -> set[str]:
    return {tag.strip() for tag in header.split(",") if tag.strip()}


def none_match(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison: `W/"x"` matches `"x"`."""
    if if_none_match is None:
        return False
    tags = {tag.removeprefix("W/") for tag in _entity_tags(if_none_match)}
    return "*" in tags or etag in tags


def check_if_match(if_match: str | None, etag: str) -> None:
    """If-Match uses the strong comparison; a stale tag is a 412, not a lost update."""
    if if_match is None:
        return
    tags = _entity_tags(if_match)
    if "*" not in tags and etag not in tags:
        raise PreconditionFailedError("The task changed since you read it.")


def cache_headers(response: Response, etag: str, if_none_match: str | None) -> None:
    """Answer 304 when the client's copy is current, else label this one."""
    if none_match(if_none_match, etag):
        raise NotModifiedError(etag)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = PRIVATE_NO_CACHE
    response.headers["Vary"] = "Authorization"


async def not_modified_handler(request: Request, exc: Exception) -> Response:
    """A 304 carries the validators again and no body at all."""
    assert isinstance(exc, NotModifiedError)  # noqa: S101  # registered for it only
    headers = {"ETag": exc.etag, "Cache-Control": PRIVATE_NO_CACHE}
    return Response(status_code=304, headers=headers | {"Vary": "Authorization"})
