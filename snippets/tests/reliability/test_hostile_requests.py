"""Huge URLs, headers and query strings: a 4xx, and the server keeps serving."""

import asyncio

import httpx
import pytest

from tests.reliability.conftest import LiveServer, LiveServerFactory

KIB = 1024


async def raw_request(server: LiveServer, head: bytes) -> tuple[int, bytes]:
    """Send a request head as bytes (httpx would refuse some of these)."""
    reader, writer = await asyncio.open_connection(*server.address)
    try:
        writer.write(head)
        await writer.drain()
    except ConnectionError:
        pass  # the server hung up while we were still sending: fine
    try:
        response = await asyncio.wait_for(reader.read(64 * KIB), 30)
    finally:
        writer.close()
    status = int(response.split()[1]) if response.startswith(b"HTTP/1.1") else 0
    return status, response


def head(target: str, *headers: str) -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode()


HOSTILE = {
    "12 KiB path": head("/" + "a" * 12 * KIB),
    "64 KiB path": head("/" + "a" * 64 * KIB),
    "12 KiB header": head("/api/v1/tasks", "X-Junk: " + "b" * 12 * KIB),
    "1 MiB header": head("/api/v1/tasks", "X-Junk: " + "b" * KIB * KIB),
    "3,000 query parameters": head("/api/v1/tasks?" + "&".join(["a=1"] * 3_000)),
    "10,000 query parameters": head("/api/v1/tasks?" + "&".join(["a=1"] * 10_000)),
    "12 KiB bearer token": head(
        "/api/v1/tasks", "Authorization: Bearer " + "c" * 12 * KIB
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_hostile_request_heads_are_4xx_and_healthz_stays_up(
    live_server: LiveServerFactory, name: str
) -> None:
    request = HOSTILE[name]
    async with (
        live_server() as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        status, response = await raw_request(server, request)
        health = await client.get("/healthz")

    # uvicorn refuses a head it cannot parse itself (a bare 400, before any
    # app code); whatever reaches the app is answered as a problem document.
    from_app = b"x-request-id:" in response.lower()
    answered_by = "the app" if from_app else "uvicorn"
    print(f"\n{name}: {status} from {answered_by}; /healthz {health.status_code}")
    assert 400 <= status < 500, response[:200]  # any 4xx
    if from_app:
        assert b"content-type: application/problem+json" in response.lower()
    assert health.status_code == 200


MIB = KIB * KIB


async def bytes_taken_before_hang_up(server: LiveServer, *, up_to: int) -> int:
    """Send one request head that never ends; how much the server took first."""
    reader, writer = await asyncio.open_connection(*server.address)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: ")
    sent, chunk = 0, b"b" * 64 * KIB
    try:
        while sent < up_to and not reader.at_eof():
            writer.write(chunk)
            await asyncio.wait_for(writer.drain(), 10)
            sent += len(chunk)
            await asyncio.sleep(0)  # lets the reader see the server's EOF
    except ConnectionError:
        pass  # reset by the server: it hung up
    finally:
        writer.close()
    return sent


async def test_an_endless_request_head_is_cut_off_early(
    live_server: LiveServerFactory,
) -> None:
    """h11 refuses a head above 16 KiB. httptools (uvicorn[standard]'s parser)
    buffers it without limit: 118 MiB in 20 s of one connection, measured."""
    async with live_server() as server:
        taken = await bytes_taken_before_hang_up(server, up_to=64 * MIB)

    # The kernel's socket buffers take a few MiB before the server's refusal
    # is seen; a server that buffered the head would take all 64.
    assert taken < 16 * MIB, f"{taken // MIB} MiB of one request head taken"
