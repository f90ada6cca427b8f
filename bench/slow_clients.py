"""(e) Slow readers on the export while other clients work: what they wait and get.

Twelve clients start `GET /api/v1/tasks/export` of 20 000 tasks, read the head,
then take one byte a second; meanwhile three clients list tasks in a loop. The
figure is what the working clients saw: answers, 5xx, latency percentiles.
"""

import asyncio
import socket
import statistics
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from bench.common import Json
from bench.database import API, Seeded, bulk_user, fresh_token
from bench.service import _wait_ready, uvicorn_server

SLOW_CLIENTS = 12  # more than the pool's 10 connections
WORKERS = 3
SECONDS = 10.0
EXPORT_ROWS = 20_000  # ~9 MB of NDJSON: more than loopback's socket buffers


async def _slow_reader(base: str, headers: Mapping[str, str], until: float) -> int:
    """The export's status; then one byte a second until `until`."""
    host, port = base.removeprefix("http://").split(":")
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)  # the socket API takes it positionally
    try:
        await loop.sock_connect(sock, (host, int(port)))
        lines = [f"GET {API}/tasks/export HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        await loop.sock_sendall(sock, ("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await asyncio.wait_for(loop.sock_recv(sock, 4096), SECONDS)
        while time.monotonic() < until:
            await asyncio.sleep(1.0)
            await asyncio.wait_for(loop.sock_recv(sock, 1), SECONDS)
    except (TimeoutError, OSError):
        head = locals().get("head", b"")
    finally:
        sock.close()
    return int(head.split()[1]) if head.startswith(b"HTTP/1.1 ") else 0


async def _worker(base: str, token: str, until: float, seen: list[tuple[int, float]]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                status = (await client.get(f"{API}/tasks?limit=5", headers=headers)).status_code
            except httpx.HTTPError:
                status = 0  # unanswered
            seen.append((status, time.monotonic() - started))


async def _run(base: str, url: str, seeded: Seeded) -> Json:
    exporter = await bulk_user(base, url, "slow@example.com", EXPORT_ROWS)
    headers = {"Authorization": f"Bearer {exporter.token}"}
    token = await asyncio.to_thread(fresh_token, base, seeded)  # tokens live 15 min
    seen: list[tuple[int, float]] = []
    until = time.monotonic() + SECONDS
    readers = [_slow_reader(base, headers, until) for _ in range(SLOW_CLIENTS)]
    workers = [_worker(base, token, until, seen) for _ in range(WORKERS)]
    exports = (await asyncio.gather(*readers, *workers))[:SLOW_CLIENTS]
    latencies = sorted(seconds * 1000 for _, seconds in seen)
    statuses = [status for status, _ in seen]
    return {
        "export_statuses": sorted(s for s in exports if isinstance(s, int)),
        "requests": len(seen),
        "server_errors": sum(1 for s in statuses if s >= 500),
        "unanswered": statuses.count(0),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "settings": {"slow_clients": SLOW_CLIENTS, "workers": WORKERS, "seconds": SECONDS},
    }


def measure(env: Mapping[str, str], url: str, seeded: Seeded) -> Json:
    """Serve the shipped app with uvicorn and run the slow-client scenario once."""
    with tempfile.TemporaryDirectory(prefix="bench-slow-") as directory:
        log = Path(directory) / "slow.log"
        with uvicorn_server("full", env, log) as base:
            _wait_ready(base, log)
            return asyncio.run(_run(base, url, seeded))
