"""(f) What sign-ins and hostile URLs cost everyone else: event-loop lag and log scrubbing."""

import asyncio
import statistics
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from bench.common import Json, load_average
from bench.database import API, Seeded
from bench.example import module
from bench.service import _wait_ready, uvicorn_server

PROBE_INTERVAL_SECONDS = 0.01  # one GET /healthz every 10 ms: its latency is the loop's lag
IDLE_SECONDS = 2.0
LOAD_SECONDS = 4.0
CONCURRENT_SIGN_INS = 4
# The sign-in limits are what this measures around, not what it measures: lifted.
UNLIMITED = {
    "LOGIN_ATTEMPTS_PER_ACCOUNT": "1000000",
    "LOGIN_ATTEMPTS_PER_ADDRESS": "1000000",
    "LOGIN_ATTEMPTS_PER_ADDRESS_AND_ACCOUNT": "1000000",
}
# Hostile text for the log scrubber: long runs that nearly match an e-mail address or a JWT.
# Below the scrubber's 8,192-character cap, so the ratio is the pattern's own
# growth; the third size shows the cap at work.
SCRUB_SIZES = (2_000, 8_000, 64_000)
SCRUB_INPUTS = {
    "a": "letters (aaaa...)",
    "a.": "dotted run (a.a.a...)",
    "a@": "at-signs (a@a@a...)",
    "eyJ": "JWT prefixes (eyJeyJ...)",
}


def _percentiles(samples: list[float]) -> Json:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def _probe(client: httpx.AsyncClient, stop: asyncio.Event) -> list[float]:
    """Latency of /healthz, sent at a fixed pace until `stop`."""
    latencies = []
    while not stop.is_set():
        started = time.perf_counter()
        response = await client.get("/healthz")
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"bench: /healthz answered {response.status_code}")
        await asyncio.sleep(PROBE_INTERVAL_SECONDS)
    return latencies


async def _sign_in_loop(
    client: httpx.AsyncClient, form: Mapping[str, str], stop: asyncio.Event
) -> int:
    count = 0
    while not stop.is_set():
        response = await client.post(f"{API}/auth/token", data=form)
        if response.status_code != 200:
            raise SystemExit(f"bench: sign-in answered {response.status_code}: {response.text}")
        count += 1
    return count


async def _lag(base: str, seeded: Seeded) -> Json:
    """Probe latency idle, then with CONCURRENT_SIGN_INS clients signing in non-stop."""
    form = {"username": seeded.email, "password": seeded.password}
    limits = httpx.Limits(max_connections=CONCURRENT_SIGN_INS + 2)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        stop = asyncio.Event()
        probe = asyncio.create_task(_probe(client, stop))
        await asyncio.sleep(IDLE_SECONDS)
        stop.set()
        idle = await probe
        stop = asyncio.Event()
        probe = asyncio.create_task(_probe(client, stop))
        loops = [
            asyncio.create_task(_sign_in_loop(client, form, stop))
            for _ in range(CONCURRENT_SIGN_INS)
        ]
        started = time.perf_counter()
        await asyncio.sleep(LOAD_SECONDS)
        stop.set()
        busy = await probe
        sign_ins = sum(await asyncio.gather(*loops))
        elapsed = time.perf_counter() - started
    return {
        "idle": _percentiles(idle),
        "during_sign_ins": _percentiles(busy),
        "sign_ins_per_second": round(sign_ins / elapsed, 1),
        "concurrent_sign_ins": CONCURRENT_SIGN_INS,
    }


def _scrub_seconds(text: str) -> float:
    scrub = module("app.core.logging").scrub
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        scrub(text)
        best = min(best, time.perf_counter() - started)
    return best


def _scrub() -> Json:
    """Scrub time of each hostile input; linear work gives a ratio ~4 from n to 4n."""
    rows = {}
    for unit, name in SCRUB_INPUTS.items():
        times = [_scrub_seconds((unit * (size // len(unit) + 1))[:size]) for size in SCRUB_SIZES]
        rows[name] = {
            f"{size}_ms": round(t * 1000, 2) for size, t in zip(SCRUB_SIZES, times, strict=True)
        }
        rows[name]["ratio_4n"] = round(times[1] / max(times[0], 1e-9), 1)
    return rows


def _hostile_url_stall(base: str) -> Json:
    """How long /healthz waits while one 16 KB hostile URL is being logged."""
    hostile = f"{base}/healthz?q={'a' * 16_000}"
    done: dict[str, float] = {}

    def send_hostile() -> None:
        started = time.perf_counter()
        httpx.get(hostile, timeout=60)
        done["hostile_s"] = time.perf_counter() - started

    thread = threading.Thread(target=send_hostile)
    thread.start()
    time.sleep(0.05)  # the hostile request is in the server first
    started = time.perf_counter()
    httpx.get(f"{base}/healthz", timeout=60)
    done["healthz_s"] = time.perf_counter() - started
    thread.join()
    return {name: round(value * 1000, 1) for name, value in done.items()}


def measure(env: Mapping[str, str], seeded: Seeded) -> Json:
    """Loop lag and the hostile-URL stall on a real uvicorn; scrub cost in process."""
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-auth-") as directory:
        log = Path(directory) / "auth.log"
        with uvicorn_server("full", {**env, **UNLIMITED}, log) as base:
            _wait_ready(base, log)
            lag = asyncio.run(_lag(base, seeded))
            stall = _hostile_url_stall(base)
    return {
        "loop_lag": lag,
        "hostile_url_ms": stall,
        "scrub": _scrub(),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }
