"""Real servers for tests: a webhook receiver, a silent peer, the app on a socket."""

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import uvicorn
from fastapi import FastAPI

from app.core.http_protocol import TrackingH11Protocol


@contextmanager
def silent_peer() -> Iterator[str]:
    """`host:port` of a server that accepts connections and never answers:
    a stalled partner, Redis or database."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield f"127.0.0.1:{server.getsockname()[1]}"


@dataclass
class WebhookReceiver:
    """What a subscriber saw, and what it answers: statuses in order, a delay."""

    statuses: list[int]
    delay_seconds: float = 0.0
    url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    async def wait_for(self, count: int, seconds: float = 5.0) -> None:
        """Wait until `count` requests arrived, letting the event loop run."""
        for _ in range(int(seconds / 0.02)):
            if len(self.received) >= count:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{len(self.received)} of {count} requests arrived")


@contextmanager
def webhook_receiver(
    statuses: list[int], delay_seconds: float = 0.0
) -> Iterator[WebhookReceiver]:
    """An http.server on 127.0.0.1 in a thread: a real socket, a real peer."""
    receiver = WebhookReceiver(statuses, delay_seconds)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.received.append((dict(self.headers.items()), body))
            receiver.release.wait(receiver.delay_seconds)  # slow on purpose
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the client gave up (its budget ran out): expected

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base class's name
            """Quiet: the test asserts on `received` instead."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/tasks"
    try:
        yield receiver
    finally:
        receiver.release.set()  # let a sleeping handler finish
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _listening_socket(send_buffer: int | None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if send_buffer is not None:
        # Accepted sockets inherit it: the kernel then holds this much per
        # client, as on a slow mobile link, instead of loopback's megabytes.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def serve_on_socket(
    app: FastAPI, *, send_buffer: int | None = None, **options: object
) -> AsyncIterator[str]:
    """The app under uvicorn on a free port, in this event loop: a real server.

    `options` are uvicorn.Config's (e.g. `timeout_keep_alive`); the defaults are
    production's, so limits such as the request-head size are the real ones.
    """
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        # As the Dockerfile runs it: no uvicorn proxy handling (TRUSTED_PROXIES is
        # the app's own), so a loopback client's X-Forwarded-For means nothing.
        proxy_headers=False,
        http=TrackingH11Protocol,  # as the Dockerfile runs it
        **options,  # type: ignore[arg-type]  # uvicorn.Config's keyword arguments
    )
    server = uvicorn.Server(config)
    sock = _listening_socket(send_buffer)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():  # it failed to start: raise its error
            await task
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
