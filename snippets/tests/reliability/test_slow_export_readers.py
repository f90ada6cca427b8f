"""Slow readers on the export never take the pool from everyone else (#4)."""

import asyncio
import json
import logging
import re
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from uvicorn.importer import import_from_string

from app.core.http_protocol import TrackingH11Protocol
from tests.reliability.conftest import LiveServer, LiveServerFactory, signed_up
from tests.reliability.slow_clients import (
    SlowRead,
    Tally,
    dechunk,
    slow_get,
    steady_get,
)

DOCKERFILE = (Path(__file__).parents[2] / "Dockerfile").read_text(encoding="utf-8")
EXPORT = "/api/v1/tasks/export"
TASKS = "/api/v1/tasks"
ROWS = 20_000  # ~9 MB of NDJSON: far more than the socket buffers hold
# Bytes the kernel keeps per client (Linux doubles it): a slow mobile link's
# worth, not loopback's megabytes, so a stalled reader stalls the server soon.
SEND_BUFFER = 32 * 1024
SLOW_CLIENTS = 12  # more than the pool's 5 + 5 connections
RUN_SECONDS = 8.0
STALL_SECONDS = (
    2.0  # by then every export has filled its socket and waits on the reader
)
WORKING_CLIENTS = 3  # well-behaved clients, one request in flight each
# Stated, not asserted on time: no single request may take this long.
CLIENT_TIMEOUT = 30.0


async def seed_tasks(
    server: LiveServer, headers: dict[str, str], rows: int, *, width: int = 200
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        me = (await client.get("/api/v1/users/me", headers=headers)).json()
    async with server.app.state.sessions.begin() as session:
        await session.execute(
            text(
                "INSERT INTO task (owner_id, title, description) "
                "SELECT :owner, 'task ' || n, repeat('x', :width) "
                "FROM generate_series(1, :rows) AS n"
            ),
            {"owner": uuid.UUID(me["id"]), "rows": rows, "width": width},
        )


async def keep_working(
    server: LiveServer, headers: dict[str, str], until: float, tally: Tally
) -> None:
    """A well-behaved client: list, create, probe, over and over."""
    calls = (
        ("GET", f"{TASKS}?limit=5", None),
        ("POST", TASKS, {"title": "still working"}),
        ("GET", "/readyz", None),
    )
    async with httpx.AsyncClient(base_url=server.url, timeout=CLIENT_TIMEOUT) as client:
        while time.monotonic() < until:
            for method, path, body in calls:
                started = time.monotonic()
                try:
                    response = await client.request(
                        method, path, json=body, headers=headers
                    )
                except httpx.HTTPError as exc:
                    tally.failures.append(f"{method} {path}: {exc!r}")
                    continue
                tally.latencies.append(time.monotonic() - started)
                tally.statuses.append(response.status_code)


async def sample_checked_out(
    server: LiveServer, samples: list[int], seconds: float
) -> None:
    """The pool's checked-out count every 0.1 s, once the exports had time to stall."""
    await asyncio.sleep(STALL_SECONDS)
    pool = server.app.state.engine.pool
    until = time.monotonic() + seconds - STALL_SECONDS - 1.0
    while time.monotonic() < until:
        samples.append(pool.checkedout())
        await asyncio.sleep(0.1)


async def run_slow_readers(
    server: LiveServer,
    count: int,
    *,
    seconds: float = RUN_SECONDS,
    checked_out: list[int] | None = None,
) -> tuple[list[SlowRead], Tally]:
    async with httpx.AsyncClient(base_url=server.url) as client:
        exporter = await signed_up(client)
        worker = await signed_up(client)
    await seed_tasks(server, exporter, ROWS)
    tally = Tally()
    until = time.monotonic() + seconds
    readers = [
        slow_get(server.address, EXPORT, exporter, seconds=seconds)
        for _ in range(count)
    ]
    workers = [
        keep_working(server, worker, until, tally) for _ in range(WORKING_CLIENTS)
    ]
    probes = (
        []
        if checked_out is None
        else [sample_checked_out(server, checked_out, seconds)]
    )
    results = await asyncio.gather(*readers, *workers, *probes)
    return [r for r in results if isinstance(r, SlowRead)], tally


async def test_stalled_exports_leave_the_api_working(
    live_server: LiveServerFactory,
) -> None:
    """12 exports that read one byte a second; the others get no 5xx at all."""
    async with live_server(
        send_buffer=SEND_BUFFER,
        export_max_concurrent=SLOW_CLIENTS,
        export_max_per_user=SLOW_CLIENTS,
    ) as server:
        checked_out: list[int] = []
        reads, tally = await run_slow_readers(
            server, SLOW_CLIENTS, checked_out=checked_out
        )

    seen = [(r.status, r.body_bytes) for r in reads]
    print(f"\nslow export readers (status, body bytes read): {seen}")
    print(f"other clients meanwhile: {tally.summary()}")
    print(f"pooled connections checked out while the exports stalled: {checked_out}")
    assert [r.status for r in reads] == [200] * SLOW_CLIENTS  # all streaming
    assert all(r.body_bytes for r in reads)
    assert checked_out, "the pool was never sampled"
    # No stalled export holds a connection: only the working clients' requests do (an
    # export holding one for its download took all 10 here and made the others 500s).
    assert max(checked_out) <= WORKING_CLIENTS, checked_out
    assert tally.failures == []
    assert tally.statuses, "the other clients sent nothing"
    assert not [s for s in tally.statuses if s >= 500]  # 5xx


async def test_exports_over_the_limit_are_a_429_with_retry_after(
    live_server: LiveServerFactory,
) -> None:
    """Default limits: one export per user at a time; the rest wait their turn."""
    async with live_server(send_buffer=SEND_BUFFER) as server:
        reads, tally = await run_slow_readers(server, 4, seconds=4.0)

    statuses = sorted(r.status for r in reads)
    print(f"\nexports of one user at once: {statuses}; others: {tally.summary()}")
    assert statuses == [200, 429, 429, 429]
    refused = [r for r in reads if r.status == 429]
    assert all(b"retry-after: 10" in r.head.lower() for r in refused)
    assert all(b"application/problem+json" in r.head for r in refused)
    assert not [s for s in tally.statuses if s >= 500]


async def test_a_stalled_export_is_cut_off_and_frees_its_slot(
    live_server: LiveServerFactory,
) -> None:
    """The send timeout ends a download nobody reads; its user may export again."""
    async with live_server(
        send_buffer=SEND_BUFFER, export_send_timeout_seconds=1.0
    ) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            headers = await signed_up(client)
            await seed_tasks(server, headers, ROWS)
            stalled = asyncio.create_task(
                slow_get(server.address, EXPORT, headers, seconds=6.0)
            )
            await asyncio.sleep(1.0)
            while_stalled = await client.get(EXPORT, headers=headers)
            await asyncio.sleep(3.0)  # the stalled send times out meanwhile
            async with client.stream("GET", EXPORT, headers=headers) as after:
                lines = sum([1 async for _ in after.aiter_lines()])
        first = await stalled

    assert first.status == 200
    assert while_stalled.status_code == 429  # one export per user at a time
    assert after.status_code == 200  # the stalled one gave its slot back
    assert lines == ROWS


# A batch and a half of the widest rows: one batch is ~500 KB of NDJSON.
WIDE_ROWS = 150
DESCRIPTION_MAX = 5_000
STEADY_RATE = 100_000  # bytes a second: a slow link, but one that never stops
IDENTITY = {"Accept-Encoding": "identity"}  # gzip would shrink the x's to nothing


async def test_a_slow_but_steady_reader_gets_the_whole_export(
    live_server: LiveServerFactory,
) -> None:
    """The send timeout means "no progress", not "one batch within N seconds".

    At 100 KB/s a 500 KB batch takes 5 s to leave: with the timeout applied to
    whole batches, this reader was cut off mid-body although it never stalled.
    """
    async with live_server(
        send_buffer=SEND_BUFFER, export_send_timeout_seconds=2.0
    ) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            headers = await signed_up(client)
        await seed_tasks(server, headers, WIDE_ROWS, width=DESCRIPTION_MAX)
        read = await steady_get(
            server.address,
            EXPORT,
            headers | IDENTITY,
            bytes_per_second=STEADY_RATE,
            seconds=CLIENT_TIMEOUT,
        )

    rows = dechunk(read.body).splitlines()
    print(f"\nsteady reader: {len(read.body)} bytes, {len(rows)} rows, ", end="")
    print(f"complete={read.complete}, {read.seconds:.1f} s")
    assert read.status == 200
    assert read.complete, "the body was cut off"
    assert len(rows) == WIDE_ROWS


async def test_a_cut_off_export_is_logged_and_counted_as_failed(
    live_server: LiveServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """A body cut off is no success: the access line and a counter say so."""
    async with live_server(
        send_buffer=SEND_BUFFER, export_send_timeout_seconds=1.0
    ) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            headers = await signed_up(client)
        await seed_tasks(server, headers, WIDE_ROWS, width=DESCRIPTION_MAX)
        with caplog.at_level(logging.INFO, logger="app.access"):
            # Stalls after the head: the kernel's buffers fill, then nothing.
            stalled = await slow_get(
                server.address, EXPORT, headers | IDENTITY, seconds=4.0
            )
        registry = server.app.state.metrics.registry
        labels = {"method": "GET", "route": EXPORT, "reason": "send-timeout"}
        aborted = registry.get_sample_value("http_responses_aborted_total", labels)

    access = [
        record
        for record in caplog.records
        if record.name == "app.access" and getattr(record, "path", None) == EXPORT
    ]
    assert stalled.status == 200
    assert len(access) == 1
    assert access[0].levelno == logging.WARNING
    assert getattr(access[0], "aborted", None) == "send-timeout"
    assert aborted == 1


LINK_RATE = 20_000  # bytes a second: a poor mobile link
LINK_ROWS = 3_000  # rows of ~4 KB: 12 MB, more than loopback's send buffers
LINK_SECONDS = 12.0  # read at the link's rate this long, then at once


async def test_a_slow_link_is_not_cut_off_with_the_kernels_own_buffers(
    live_server: LiveServerFactory,
) -> None:
    """Production's sockets: the kernel's send buffer grows to megabytes.

    It wakes a blocked writer only once a third of that has drained, which at
    20 KB/s took longer than the timeout: each slice's send outlasted it
    although the client read all along, and the export was cut off.
    """
    async with live_server(export_send_timeout_seconds=5.0) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            headers = await signed_up(client)
        await seed_tasks(server, headers, LINK_ROWS, width=4_000)
        read = await steady_get(
            server.address,
            EXPORT,
            headers | IDENTITY,
            bytes_per_second=LINK_RATE,
            seconds=CLIENT_TIMEOUT + LINK_SECONDS,
            slow_for=LINK_SECONDS,
        )

    rows = dechunk(read.body).splitlines() if read.complete else []
    print(f"\nslow link: {len(read.body)} bytes, complete={read.complete}")
    assert read.status == 200
    assert read.complete, f"cut off after {len(read.body)} bytes"
    assert len(rows) == LINK_ROWS


def test_every_way_the_service_runs_uses_the_tracking_protocol() -> None:
    """The fix above holds only where uvicorn is told to use it: the image's CMD.

    `make run` and the multi-process tests pass the same import path; stock
    uvicorn (`--http h11`) would cut slow links off again.
    """
    command = re.search(
        r"^CMD (\[.*?\])$", DOCKERFILE.replace("\\\n", ""), re.MULTILINE | re.DOTALL
    )
    assert command, "no CMD in the Dockerfile"
    argv: list[str] = json.loads(command.group(1))
    http = argv[argv.index("--http") + 1]

    assert http == TrackingH11Protocol.IMPORT_PATH
    assert import_from_string(http) is TrackingH11Protocol
