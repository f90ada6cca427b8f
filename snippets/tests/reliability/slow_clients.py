"""Clients that misbehave on purpose: they read the head, then stall."""

import asyncio
import socket
import statistics
from dataclasses import dataclass, field


@dataclass
class SlowRead:
    """What one slow client saw: the status line and how many bytes it took."""

    status: int = 0
    head: bytes = b""
    body_bytes: int = 0
    closed_by_server: bool = False
    head_seconds: float = 0.0  # from connecting to the end of the head


async def slow_get(
    address: tuple[str, int],
    path: str,
    headers: dict[str, str],
    *,
    seconds: float,
    interval: float = 1.0,
) -> SlowRead:
    """GET `path`, read the response head, then one byte per `interval`.

    A tiny receive buffer makes the server's writes block soon, as they would
    for a phone on a bad network; the run stops by itself after `seconds`.
    """
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)  # noqa: FBT003  # the socket API takes it positionally
    result = SlowRead()
    deadline = loop.time() + seconds
    try:
        await loop.sock_connect(sock, address)
        lines = [f"GET {path} HTTP/1.1", f"Host: {address[0]}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        await loop.sock_sendall(sock, ("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while b"\r\n\r\n" not in received and loop.time() < deadline:
            chunk = await asyncio.wait_for(loop.sock_recv(sock, 4096), seconds)
            if not chunk:
                break
            received += chunk
        result.head_seconds = loop.time() - deadline + seconds
        result.head, _, body = received.partition(b"\r\n\r\n")
        result.body_bytes = len(body)
        if result.head.startswith(b"HTTP/1.1 "):
            result.status = int(result.head.split()[1])
        while loop.time() < deadline:
            chunk = await asyncio.wait_for(loop.sock_recv(sock, 1), seconds)
            if not chunk:
                result.closed_by_server = True
                break
            result.body_bytes += len(chunk)
            await asyncio.sleep(interval)
    except (TimeoutError, ConnectionError):
        result.closed_by_server = True
    finally:
        sock.close()
    return result


@dataclass
class SteadyRead:
    """What a slow but steady reader got: every byte, and whether it was whole."""

    status: int = 0
    body: bytes = b""
    complete: bool = False  # the chunked body's last chunk arrived
    seconds: float = 0.0


async def steady_get(
    address: tuple[str, int],
    path: str,
    headers: dict[str, str],
    *,
    bytes_per_second: int,
    seconds: float,
    slow_for: float | None = None,
) -> SteadyRead:
    """GET `path` and read it to the end at a steady rate, as a slow link would.

    A small receive buffer and a fixed budget per tick: the server can never
    send faster than `bytes_per_second`, and never waits long for a byte.
    With `slow_for`, that rate holds that long, then the rest is read at once.
    """
    loop = asyncio.get_running_loop()
    tick = 0.05
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)  # noqa: FBT003  # the socket API takes it positionally
    result = SteadyRead()
    started = loop.time()
    received = b""
    try:
        await loop.sock_connect(sock, address)
        lines = [f"GET {path} HTTP/1.1", f"Host: {address[0]}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        await loop.sock_sendall(sock, ("\r\n".join(lines) + "\r\n\r\n").encode())
        while loop.time() - started < seconds:
            slow = slow_for is None or loop.time() - started < slow_for
            budget = int(bytes_per_second * tick) if slow else 1 << 20
            chunk = await asyncio.wait_for(loop.sock_recv(sock, budget), seconds)
            if not chunk:  # the server closed: after the last chunk, or cut off
                break
            received += chunk
            if slow:
                await asyncio.sleep(tick)
    except (TimeoutError, ConnectionError):
        pass
    finally:
        sock.close()
    result.seconds = loop.time() - started
    head, _, result.body = received.partition(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 "):
        result.status = int(head.split()[1])
    result.complete = result.body.endswith(b"\r\n0\r\n\r\n")
    return result


def dechunk(body: bytes) -> bytes:
    """The payload of an HTTP/1.1 chunked body (as far as it arrived)."""
    payload = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0 or len(rest) < size:
            break
        payload += rest[:size]
        body = rest[size + 2 :]
    return payload


@dataclass
class Tally:
    """Statuses and latencies of the well-behaved clients, for the report."""

    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.latencies:
            return "no requests"
        ordered = sorted(self.latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        counts = {s: self.statuses.count(s) for s in sorted(set(self.statuses))}
        return (
            f"{len(self.statuses)} requests, statuses {counts}, "
            f"p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms, "
            f"{len(self.failures)} unanswered"
        )
