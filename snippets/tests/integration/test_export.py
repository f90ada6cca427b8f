"""The NDJSON export streams from a server-side cursor, batch by batch."""

import asyncio
import json
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import Message

from app.tasks.constants import EXPORT_BATCH_SIZE
from app.tasks.models import Task
from app.tasks.utils import SLICE_BYTES

ROWS = 250  # more than two fetch batches of 100


async def body_messages(app: FastAPI, path: str, token: str) -> list[bytes]:
    """Call the ASGI app directly and keep each body message as it was sent."""
    # httpx's ASGITransport joins the body parts; this sees every one of them.
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"authorization", token.encode()), (b"host", b"t")],
        "client": ("127.0.0.1", 1234),
        "server": ("t", 80),
    }
    parts: list[bytes] = []

    requested = False

    async def receive() -> Message:
        nonlocal requested
        if requested:  # the client stays connected until the body is complete
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            body = message["body"]
            assert isinstance(body, bytes)
            parts.append(body)

    await app(scope, receive, send)
    return parts


async def test_export_streams_every_row_in_several_chunks(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """250 rows arrive as 3 chunks (one per fetch), none of another user's."""
    me = (await client.get("/api/v1/users/me", headers=auth_headers)).json()
    await client.post(
        "/api/v1/tasks", json={"title": "not mine"}, headers=other_auth_headers
    )
    async with sessions.begin() as session:
        rows = [
            {"owner_id": uuid.UUID(me["id"]), "title": f"t{i}"} for i in range(ROWS)
        ]
        await session.execute(insert(Task), rows)

    response = await client.get("/api/v1/tasks/export", headers=auth_headers)
    chunks = await body_messages(
        app, "/api/v1/tasks/export", auth_headers["Authorization"]
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text == b"".join(chunks).decode()
    lines = b"".join(chunks).decode().splitlines()
    assert len(lines) == ROWS
    assert {json.loads(line)["owner"]["id"] for line in lines} == {me["id"]}
    # Streamed, not buffered: at least one message per batch, none over a slice.
    assert len(chunks) >= -(-ROWS // EXPORT_BATCH_SIZE)
    assert max(len(chunk) for chunk in chunks) <= SLICE_BYTES
