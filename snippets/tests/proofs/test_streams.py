"""Proofs of the Files, Streams and WebSocket rules."""

import asyncio
import tempfile
import uuid
from pathlib import Path, PurePosixPath

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import Message

from app.tasks.constants import EXPORT_BATCH_SIZE
from app.tasks.models import Task
from app.tasks.utils import SLICE_BYTES
from demos import (
    strm_buffered_export,
    strm_safe_tempfile,
    strm_upload_path,
    strm_ws_accept_first,
    strm_ws_auth,
    strm_ws_limits,
    strm_ws_unbounded,
)

ROWS = 2 * EXPORT_BATCH_SIZE + 1


async def body_chunks(
    app: FastAPI, path: str, *headers: tuple[bytes, bytes]
) -> list[bytes]:
    """Call the ASGI app directly and keep each body message as it was sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"t"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("t", 80),
    }
    chunks: list[bytes] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    finished = asyncio.Event()

    async def receive() -> Message:
        if requests:
            return requests.pop()
        await finished.wait()  # a client that stays until the body is complete
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("body"):
                chunks.append(message["body"])
            if not message.get("more_body"):
                finished.set()

    await app(scope, receive, send)
    return chunks


def app_with(router: APIRouter) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app


# --8<-- [start:strm-001]
@pytest.mark.rule("STRM-001")
async def test_a_large_export_leaves_in_several_chunks(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More rows than one batch: the body is sent while rows are still read."""
    me = (await client.get("/api/v1/users/me", headers=auth_headers)).json()
    rows = [{"owner_id": uuid.UUID(me["id"]), "title": f"t{i}"} for i in range(ROWS)]
    async with sessions.begin() as session:
        await session.execute(insert(Task), rows)

    # Do: batch after batch, in slices of at most 16 KiB, from the real route.
    token = (b"authorization", auth_headers["Authorization"].encode())
    chunks = await body_chunks(app, "/api/v1/tasks/export", token)
    assert len(chunks) >= 3  # three batches at least
    assert max(len(chunk) for chunk in chunks) <= SLICE_BYTES
    assert sum(chunk.count(b"\n") for chunk in chunks) == ROWS
    # Don't: the same number of rows, built into one body first.
    table = [(i, f"t{i}") for i in range(ROWS)]
    monkeypatch.setattr(strm_buffered_export, "fetch_all_tasks", lambda: table)
    buffered = app_with(strm_buffered_export.router)
    assert len(await body_chunks(buffered, "/api/v1/tasks/export.csv")) == 1


# --8<-- [end:strm-001]


# --8<-- [start:strm-002]
@pytest.mark.rule("STRM-002")
def test_temp_files_stay_private_and_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file lives in a 0700 directory of its own, gone after the block."""
    # Do: the demo's conversion, with the system temp dir pointed at tmp_path.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert strm_safe_tempfile.convert_upload(b"id,title\n") == len(b"id,title\n")
    assert list(tmp_path.iterdir()) == []
    # Don't: the client's file name decides where the file is written.
    target = strm_upload_path.upload_path("../../etc/cron.d/backdoor")
    resolved = PurePosixPath(Path(str(target)).resolve().as_posix())
    assert not resolved.is_relative_to(strm_upload_path.UPLOAD_DIR)


# --8<-- [end:strm-002]


async def websocket_messages(
    app: FastAPI,
    path: str,
    incoming: list[Message],
    *,
    cookie: str = "",
    origin: str = next(iter(strm_ws_auth.ALLOWED_ORIGINS)),
    query: str = "",
) -> list[Message]:
    """Open a WebSocket on the ASGI app and collect what the server sends."""
    headers = [(b"host", b"t"), (b"origin", origin.encode())]
    headers += [(b"cookie", cookie.encode())] if cookie else []
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": headers,
        "subprotocols": [],
        "client": ("127.0.0.1", 1234),
        "server": ("t", 80),
    }
    queue: list[Message] = [{"type": "websocket.connect"}, *incoming]
    sent: list[Message] = []

    async def receive() -> Message:
        return queue.pop(0) if queue else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


# --8<-- [start:strm-004]
@pytest.mark.rule("STRM-004")
@pytest.mark.parametrize(
    ("router", "holds"),
    [(strm_ws_auth.router, True), (strm_ws_accept_first.router, False)],
    ids=["do", "dont"],
)
async def test_no_socket_is_accepted_without_credentials(
    *, router: APIRouter, holds: bool
) -> None:
    """Without a token the server closes with 1008 and never accepts."""
    sent = await websocket_messages(app_with(router), "/api/v1/tasks/events", [])
    types = [message["type"] for message in sent]
    assert ("websocket.accept" not in types) is holds
    assert sent[-1] == {"type": "websocket.close", "code": 1008, "reason": ""}


@pytest.mark.rule("STRM-004")
@pytest.mark.parametrize(
    ("router", "holds"),
    [(strm_ws_auth.router, True), (strm_ws_accept_first.router, False)],
    ids=["do", "dont"],
)
async def test_a_socket_from_another_site_is_refused_with_valid_credentials(
    *, router: APIRouter, holds: bool
) -> None:
    """A page on evil.example opens the socket; the browser adds the user's cookie."""
    sent = await websocket_messages(
        app_with(router),
        "/api/v1/tasks/events",
        [],
        cookie="access_token=valid-token",
        origin="https://evil.example",
        query="token=valid-token",  # where the Don't looks for it
    )
    types = [message["type"] for message in sent]
    assert ("websocket.accept" not in types) is holds


# --8<-- [end:strm-004]

TOO_BIG: Message = {"type": "websocket.receive", "text": "x" * 5000}


# --8<-- [start:strm-005]
@pytest.mark.rule("STRM-005")
@pytest.mark.parametrize(
    ("router", "holds"),
    [(strm_ws_limits.router, True), (strm_ws_unbounded.router, False)],
    ids=["do", "dont"],
)
async def test_an_oversized_message_closes_the_socket(
    *, router: APIRouter, holds: bool
) -> None:
    """A 5,000-byte message is refused with 1009, not echoed back."""
    sent = await websocket_messages(app_with(router), "/api/v1/chat", [TOO_BIG])
    closed = {"type": "websocket.close", "code": 1009, "reason": ""}
    assert (closed in sent) is holds


# --8<-- [end:strm-005]
