"""Proofs of the external-call rules, against a real HTTP server on 127.0.0.1."""

import asyncio
import random
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from app.infra.clients.http import create_http_client, fetch_json, request_with_retry
from app.infra.clients.mail import send_mail
from demos import (
    ext_blocking_sdk,
    ext_client_per_call,
    ext_retry_everything,
    ext_timeout_class,
)

SLOW_SECONDS = 0.15  # what /slow takes to answer


@dataclass
class Partner:
    """A scripted partner API: /ok answers, /slow is late, /drop hangs up,
    /broken fails, /busy asks to be called again later."""

    url: str = ""
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # method, path, port
    release: threading.Event = field(default_factory=threading.Event)

    def hits(self, path: str) -> int:
        return sum(1 for _, seen_path, _ in self.seen if seen_path == path)

    def connections(self) -> int:
        return len({port for _, _, port in self.seen})

    def reply(self, path: str) -> tuple[int, dict[str, str]]:
        """/broken is a defect (500); /busy is overloaded once, then recovers."""
        if path == "/broken":
            return 500, {}
        if path == "/busy" and self.hits("/busy") == 1:
            return 503, {"Retry-After": "1"}
        return 200, {}


@pytest.fixture
def partner() -> Iterator[Partner]:
    """An http.server in a thread: real sockets, keep-alive, failures on purpose."""
    partner = Partner()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse shows

        def do_GET(self) -> None:
            self.answer()

        def do_POST(self) -> None:
            self.answer()

        def answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            partner.seen.append((self.command, self.path, self.client_address[1]))
            if self.path == "/drop":
                self.close_connection = True  # no response at all: a reset
                return
            if self.path == "/slow":
                partner.release.wait(SLOW_SECONDS)
            status, extra = partner.reply(self.path)
            body = b'{"ok": true}'
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base class's name
            """Quiet: the tests read `seen` instead."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    partner.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield partner
    finally:
        partner.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
async def _close_leaked_clients(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[None]:
    """Close the clients the Don't leaks on purpose, on this test's event loop.

    Left open, their sockets were finalised by the garbage collector after the loop
    had closed, in whatever test ran next (a fresh-clone run once hung there).
    """
    made: list[httpx.AsyncClient] = []
    original = httpx.AsyncClient.__init__

    def tracking_init(self: httpx.AsyncClient, **options: Any) -> None:  # noqa: ANN401  # httpx's own keyword types
        made.append(self)
        original(self, **options)

    monkeypatch.setattr(httpx.AsyncClient, "__init__", tracking_init)
    yield
    for client in made:
        await client.aclose()  # a no-op for the ones already closed


@pytest.fixture
def client_options(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """The keyword arguments of every httpx.AsyncClient built during the test."""
    made: list[dict[str, object]] = []
    original = httpx.AsyncClient.__init__

    def recording_init(self: httpx.AsyncClient, **options: Any) -> None:  # noqa: ANN401  # httpx's own keyword types
        made.append(options)
        original(self, **options)

    monkeypatch.setattr(httpx.AsyncClient, "__init__", recording_init)
    return made


async def three_calls_with_the_service(url: str) -> None:
    async with create_http_client() as client:
        for _ in range(3):
            (await client.get(url)).raise_for_status()


async def three_calls_with_the_demo(url: str) -> None:
    for _ in range(3):
        await ext_client_per_call.read_rates()  # reads RATES_URL, set to `url`


ThreeCalls = Callable[[str], Awaitable[None]]
VARIANTS = pytest.mark.parametrize(
    ("three_calls", "holds"),
    [(three_calls_with_the_service, True), (three_calls_with_the_demo, False)],
    ids=["do", "dont"],
)


@pytest.fixture(autouse=True)
def _demo_calls_the_partner(partner: Partner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ext_client_per_call, "RATES_URL", f"{partner.url}/ok")


# --8<-- [start:ext-001]
@pytest.mark.rule("APP-002")
@VARIANTS
async def test_calls_reuse_one_pooled_connection(
    partner: Partner, three_calls: ThreeCalls, *, holds: bool
) -> None:
    """Three calls to a partner travel over one kept-alive connection."""
    await three_calls(f"{partner.url}/ok")

    assert partner.hits("/ok") == 3
    assert (partner.connections() == 1) is holds


# --8<-- [end:ext-001]


# --8<-- [start:ext-002]
@pytest.mark.rule("EXT-002")
@VARIANTS
async def test_every_client_chooses_its_timeouts(
    partner: Partner,
    client_options: list[dict[str, object]],
    three_calls: ThreeCalls,
    *,
    holds: bool,
) -> None:
    """Connect, read, write and pool timeouts are set on purpose, all finite."""
    await three_calls(f"{partner.url}/ok")

    timeout = client_options[0].get("timeout")
    explicit = isinstance(timeout, httpx.Timeout) and None not in (
        *(timeout.connect, timeout.read),
        *(timeout.write, timeout.pool),
    )
    assert explicit is holds, client_options


# --8<-- [end:ext-002]


# --8<-- [start:ext-004]
@pytest.mark.rule("PERF-004")
@VARIANTS
async def test_every_client_caps_its_connections(
    partner: Partner,
    client_options: list[dict[str, object]],
    three_calls: ThreeCalls,
    *,
    holds: bool,
) -> None:
    """One client with a connection cap serves every call."""
    await three_calls(f"{partner.url}/ok")

    limits = [options.get("limits") for options in client_options]
    capped = [isinstance(cap, httpx.Limits) and cap.max_connections for cap in limits]
    assert (capped == [100]) is holds, client_options


# --8<-- [end:ext-004]


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every asyncio.sleep() of the test, recorded and skipped; jitter at its top."""
    recorded: list[float] = []
    original_sleep = asyncio.sleep

    async def no_sleep(delay: float) -> None:
        recorded.append(delay)
        await original_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", no_sleep)
    monkeypatch.setattr(random, "uniform", lambda _low, high: high)
    return recorded


async def retry_with_the_service(client: httpx.AsyncClient, url: str) -> None:
    await request_with_retry(client, "GET", url, attempts=3)


async def retry_with_the_demo(client: httpx.AsyncClient, url: str) -> None:
    await ext_retry_everything.post_with_retries(client, url, {"sku": "A-1"})


# --8<-- [start:ext-003]
@pytest.mark.rule("EXT-003")
@pytest.mark.parametrize(
    ("call", "holds"),
    [(retry_with_the_service, True), (retry_with_the_demo, False)],
    ids=["do", "dont"],
)
async def test_retries_back_off_longer_each_time(
    partner: Partner,
    waits: list[float],
    call: Callable[[httpx.AsyncClient, str], Awaitable[None]],
    *,
    holds: bool,
) -> None:
    """A partner that hangs up: every retry waits, and longer than the last."""
    async with httpx.AsyncClient(timeout=1.0) as client:
        with pytest.raises((httpx.TransportError, RuntimeError)):
            await call(client, f"{partner.url}/drop")

    attempts = partner.hits("/drop")
    backs_off = len(waits) == attempts - 1 and waits == sorted(set(waits))
    assert attempts > 1
    assert backs_off is holds, (attempts, waits)


# --8<-- [end:ext-003]


# --8<-- [start:ext-003-statuses]
@pytest.mark.rule("EXT-003")
async def test_only_transient_statuses_are_retried_when_the_peer_says(
    partner: Partner, waits: list[float]
) -> None:
    """A 500 is answered at once; a 503 is retried after its Retry-After."""
    async with create_http_client() as client:
        broken = await request_with_retry(client, "GET", f"{partner.url}/broken")
        busy = await request_with_retry(
            client, "GET", f"{partner.url}/busy", base_delay=0.01
        )

    assert (broken.status_code, partner.hits("/broken")) == (500, 1)
    assert (busy.status_code, partner.hits("/busy")) == (200, 2)
    assert waits == [1.0]  # the peer's Retry-After, not the 0.02 s backoff


# --8<-- [end:ext-003-statuses]


async def slow_partner_call(url: str) -> None:
    async with httpx.AsyncClient(timeout=1.0) as client:
        (await client.get(url)).raise_for_status()


# --8<-- [start:ext-005]
@pytest.mark.rule("EXT-005")
async def test_the_budget_is_a_duration(
    partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call that needs 0.15 s finishes inside a 2 s budget, and not in 0.05 s."""
    slow = f"{partner.url}/slow"
    async with create_http_client() as client:
        # Do: asyncio.timeout(2) allows two seconds from now.
        assert await fetch_json(client, slow, budget_s=2.0) == {"ok": True}
        with pytest.raises(TimeoutError):
            await fetch_json(client, slow, budget_s=0.05)

    # Don't: asyncio.Timeout(2) is the loop clock's second 2, long past.
    monkeypatch.setattr(
        ext_timeout_class, "call_partner", lambda: slow_partner_call(slow)
    )
    with pytest.raises(TimeoutError):
        await ext_timeout_class.call_with_budget()
    assert partner.hits("/slow") == 2  # the Don't never even sent its request


# --8<-- [end:ext-005]


class BlockingSdk:
    """A synchronous SDK: its call holds the thread for 50 ms."""

    def send(self, *, to: str, subject: str, body: str, timeout: float) -> None:
        time.sleep(0.05)


async def handle_with_the_service(name: str, log: list[str]) -> None:
    log.append(f"{name} start")
    await send_mail(BlockingSdk(), to="ops@example.com", subject="Hi", body="")
    log.append(f"{name} end")


# --8<-- [start:ext-006]
@pytest.mark.rule("EXT-006")
@pytest.mark.parametrize(
    ("handle", "holds"),
    [(handle_with_the_service, True), (ext_blocking_sdk.handle, False)],
    ids=["do", "dont"],
)
async def test_a_blocking_sdk_call_lets_other_requests_run(
    handle: Callable[[str, list[str]], Awaitable[None]], *, holds: bool
) -> None:
    """Request b starts while request a waits for the SDK: measured by order."""
    log: list[str] = []

    await asyncio.gather(handle("a", log), handle("b", log))

    assert (log.index("b start") < log.index("a end")) is holds, log


# --8<-- [end:ext-006]
