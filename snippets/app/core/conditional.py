"""Conditional requests (RFC 9110 §13): ETag, If-None-Match and If-Match."""

import hashlib
import re
from collections.abc import Mapping

from pydantic import BaseModel
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.exceptions import PreconditionFailedError

# Per-user data: only the client's own cache may keep it, and must revalidate.
PRIVATE_NO_CACHE = "private, no-cache"
# For the OpenAPI `headers` of a response that carries a validator.
ETAG_HEADER = {
    "ETag": {
        "description": "Strong validator of this representation; a compressed "
        "body's tag ends in its coding (`-gzip`). Send it back in If-None-Match "
        "or If-Match.",
        "schema": {"type": "string"},
    }
}


class NotModifiedError(Exception):
    """Raised by a GET whose representation the client already has."""

    def __init__(self, etag: str, held: list[str]) -> None:
        self.etag = etag  # the identity body's tag
        self.held = held  # the client's tags for this state, as it sent them
        super().__init__(etag)


def etag_of(content: bytes) -> str:
    """A strong validator: the hash of the bytes of the representation itself."""
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def strong_etag(body: BaseModel) -> str:
    """The tag `tagged_json` would give this body, for checking If-Match."""
    return etag_of(body.model_dump_json().encode())


# A content-coded body is another representation, so it gets its own strong
# tag: the identity tag with the coding appended ("abc" -> "abc-gzip").
_CODED_TAG = re.compile(r'-(?:gzip|br|zstd|deflate)"$')


def _entity_tags(header: str) -> set[str]:
    # Both codings of one state name the same version of the resource: compare
    # them as the identity tag, so If-Match works whichever body a client saw.
    tags = (tag.strip() for tag in header.split(","))
    return {_CODED_TAG.sub('"', tag) for tag in tags if tag}


def coded_tag(etag: str, coding: str = "gzip") -> str:
    """The strong tag of a content-coded body: "abc" -> "abc-gzip"."""
    return f'{etag[:-1]}-{coding}"'


def held_tags(if_none_match: str | None, etag: str) -> list[str]:
    """The client's tags that name this state, as it sent them (RFC 9110 §13.1.2).

    If-None-Match uses the weak comparison (`W/"x"` matches `"x"`); the state
    has two representations, identity and gzip (the only coding GZip writes).
    """
    if if_none_match is None:
        return []
    names = {etag, coded_tag(etag)}
    sent = (tag.strip() for tag in if_none_match.split(","))
    return [tag for tag in sent if tag == "*" or tag.removeprefix("W/") in names]


def check_if_match(if_match: str, etag: str) -> None:
    """If-Match uses the strong comparison; a stale tag is a 412, not a lost update."""
    tags = _entity_tags(if_match)
    if "*" not in tags and etag not in tags:
        raise PreconditionFailedError("The task changed since you read it.")


# --8<-- [start:tagged-json]
def _dumped(body: BaseModel) -> tuple[bytes, str]:
    content = body.model_dump_json().encode()
    return content, etag_of(content)


def tagged_json(body: BaseModel, if_none_match: str | None) -> Response:
    """Serialize once, hash those bytes, send them: or a 304 if the client has them.

    Returning the model would make FastAPI validate and dump it again after the
    ETag's own dump: two passes over every row, and two chances to differ.
    """
    content, etag = _dumped(body)
    if held := held_tags(if_none_match, etag):
        raise NotModifiedError(etag, held)
    headers = {"ETag": etag, "Cache-Control": PRIVATE_NO_CACHE, "Vary": "Authorization"}
    return Response(content, media_type="application/json", headers=headers)


def json_with_etag(
    body: BaseModel, headers: Mapping[str, str] | None = None
) -> Response:
    """A write's answer: the new representation and its tag, from one dump."""
    content, etag = _dumped(body)
    tagged = {**(headers or {}), "ETag": etag}
    return Response(content, media_type="application/json", headers=tagged)
    # --8<-- [end:tagged-json]


async def not_modified_handler(request: Request, exc: Exception) -> Response:
    """A 304 carries the validators again and no body at all.

    Its ETag is the one this request's 200 would carry (RFC 9110 §15.4.5): the
    gzip body's for a client that takes gzip and holds it, else the identity
    body's. A cache that holds both then refreshes the one it will serve.
    """
    assert isinstance(exc, NotModifiedError)  # noqa: S101  # registered for it only
    takes_gzip = "gzip" in request.headers.get("accept-encoding", "")  # as GZip does
    preferred = [coded_tag(exc.etag), exc.etag] if takes_gzip else [exc.etag]
    etag = next(
        (
            tag
            for name in preferred
            for tag in exc.held
            if tag.removeprefix("W/") == name
        ),
        exc.held[0] if exc.held[0] != "*" else exc.etag,
    )
    headers = {"ETag": etag, "Cache-Control": PRIVATE_NO_CACHE}
    # A 304 is never compressed, so GZip adds no Vary here: name Accept-Encoding
    # (at worst a cache keys a small body, which was never coded, more finely).
    vary = {"Vary": "Authorization, Accept-Encoding"}
    return Response(status_code=304, headers=headers | vary)


# --8<-- [start:coding-etag]
class CodedETagMiddleware:
    """Give a compressed body its own strong ETag (RFC 9110 §8.8.3).

    GZipMiddleware compresses after the route set the ETag of the identity
    body; two different byte sequences under one strong tag would let a cache
    or a range request mix them. It sits outside GZip and relabels.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_relabelled(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag, coding = headers.get("etag"), headers.get("content-encoding")
                if etag and coding and etag.endswith('"') and not etag.startswith("W/"):
                    headers["ETag"] = f'{etag[:-1]}-{coding.strip().lower()}"'
            await send(message)

        await self.app(scope, receive, send_relabelled)


# --8<-- [end:coding-etag]
