"""(d) The example service under uvicorn and wrk: full stack, no middleware, BaseHTTPMiddleware,
and the floor (the same requests on raw Starlette and asyncpg, bench/floor.py)."""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Hashable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx

from bench import example, profile
from bench.common import ROOT, Json, free_port, load_average, spread, tool
from bench.database import API, Seeded, fresh_token

VARIANTS = ("full", "bare", "basehttp", "floor")
# What uvicorn imports for each: the floor's process never loads FastAPI or the service.
FACTORIES = {
    "full": "bench.variants:full",
    "bare": "bench.variants:bare",
    "basehttp": "bench.variants:basehttp",
    "floor": "bench.floor:create_app",
}
# Each throughput ratio compares the shipped stack with one other variant, round by round.
RATIOS = {f"full/{variant}": variant for variant in VARIANTS if variant != "full"}
CPU_NOTE = (
    "user + system CPU time of the uvicorn processes (/proc/<pid>/stat) over a wrk run, "
    "divided by the requests it answered; PostgreSQL's and wrk's CPU are not in it"
)
ROUNDS = 5
K = TypeVar("K", bound=Hashable)  # what names a server: a variant, a process count
DURATION_SECONDS = 4
WARMUP_SECONDS = 2
CONNECTIONS = 10  # the app's pool: 10 connections, no overflow
THREADS = 1  # one core for wrk, the other for uvicorn and PostgreSQL
LIST_LIMIT = 50
LIST = f"GET /tasks?limit={LIST_LIMIT}"
CURSOR_FIELD = re.compile(rb'"next_cursor":"[^"\\]*"')  # base64url and dots: no escapes
# What browsers, httpx and requests send: the GZip middleware then compresses large bodies.
ACCEPT_ENCODING = "gzip"
START_TIMEOUT = 60.0
REFERENCE = "GET /healthz"
PROFILE_SECONDS = 10
# wrk reports through Lua: one JSON line the script can parse, latencies in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
    .. '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
    .. '"mean_us":%.1f,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max))
end
"""


def endpoints(seeded: Seeded) -> dict[str, str]:
    """The measured requests, by the name the report uses."""
    return {
        LIST: f"{API}/tasks?limit={LIST_LIMIT}",
        "GET /tasks/{id}": f"{API}/tasks/{seeded.task_ids[0]}",
        # Reference only (no target): no database, so the middleware is most of the work.
        REFERENCE: "/healthz",
    }


@dataclass(frozen=True)
class Served:
    """A running server: where to send requests, and its process (to read its CPU time)."""

    base: str
    pid: int


@contextmanager
def served(
    variant: str, env: Mapping[str, str], log: Path, *, workers: int = 1
) -> Iterator[Served]:
    """Serve one variant with uvicorn (no access log) on a loopback port: the FastAPI
    variants with the image's loop and HTTP protocol, the floor with the image's loop."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", FACTORIES[variant], "--factory"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    args += ["--log-level", "warning", "--workers", str(workers)]
    for option, value in example.server_options().items():  # the image's --loop, --http
        if option == "--loop" or variant != "floor":  # the floor keeps uvicorn's own h11
            args += [option, value]
    with log.open("wb") as errors:
        # The app's JSON access lines go to stdout, as in production; nobody reads them here.
        server = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            # One worker serves in this very process; several are its children.
            yield Served(f"http://127.0.0.1:{port}", server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def uvicorn_server(variant: str, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """`served`, for the sections that need only the base URL."""
    with served(variant, env, log) as server:
        yield server.base


def _own_cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    # Fields after the command name, which is in parentheses and may hold spaces.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        listing = task / "children"
        if not listing.exists() and task.exists():  # the task lives: the kernel lacks the file
            raise SystemExit("bench: this kernel has no /proc/<pid>/task/<tid>/children")
        found += [int(child) for child in listing.read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time so far of a process and its living descendants (uvicorn's
    worker processes), from /proc/<pid>/stat."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += _own_cpu_seconds(current)
            pending += _children(current)
        except FileNotFoundError:  # exited between the listing and the read
            continue
    return total


def _wait_ready(base: str, log: Path) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < START_TIMEOUT:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"bench: {base} did not start:\n{log.read_text(errors='replace')[-3000:]}")


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Encoding": ACCEPT_ENCODING}


def _check(base: str, paths: Mapping[str, str], token: str) -> dict[str, list[str]]:
    """Every endpoint answers 200; return the response header names (what the stack added)."""
    seen = {}
    for name, path in paths.items():
        response = httpx.get(base + path, headers=_headers(token), timeout=10)
        if response.status_code != 200:
            raise SystemExit(f"bench: {base}{path} answered {response.status_code}")
        seen[name] = sorted(response.headers.keys())
    return seen


def _identity_body(base: str, path: str, token: str) -> bytes:
    # Identity: the bytes the endpoint wrote, not what the GZip middleware made of them.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    response = httpx.get(base + path, headers=headers, timeout=10)
    if response.status_code != 200:
        raise SystemExit(f"bench: {base}{path} answered {response.status_code}")
    return response.content


def _comparable(endpoint: str, body: bytes) -> bytes:
    """The body, with a page's `next_cursor` string masked: the floor cannot sign the
    service's cursors without its code, so the list is compared without it (null stays)."""
    return CURSOR_FIELD.sub(b'"next_cursor":"(masked)"', body) if endpoint == LIST else body


def same_sql() -> None:
    """The floor sends the SQL the app's repository compiles, or it measures other work."""
    from bench import floor  # noqa: PLC0415  # asyncpg: only where the service runs

    floor_sql = {"list": floor.LIST_SQL, "detail": floor.DETAIL_SQL}
    for name, sql in example.read_sql().items():
        if floor_sql[name] != sql:
            raise SystemExit(f"bench: the floor's {name} SQL is not the app's: update floor.py")


def same_bodies(full: str, floor: str, paths: Mapping[str, str], token: str) -> Json:
    """The floor answers the full stack's bytes, or its figures would compare other work."""
    sizes = {}
    for endpoint, path in paths.items():
        expected, got = _identity_body(full, path, token), _identity_body(floor, path, token)
        want, have = _comparable(endpoint, expected), _comparable(endpoint, got)
        if want != have:
            at = next(
                (i for i, (a, b) in enumerate(zip(want, have, strict=False)) if a != b),
                min(len(want), len(have)),
            )
            raise SystemExit(
                f"bench: the floor's {endpoint} body differs from the full stack's at byte "
                f"{at} (next_cursor masked):\n  full:  {want[max(0, at - 80) : at + 120]!r}"
                f"\n  floor: {have[max(0, at - 80) : at + 120]!r}"
            )
        sizes[endpoint] = {"full": len(expected), "floor": len(got)}
    return sizes


def wrk(url: str, token: str, seconds: int, script: Path) -> Json:
    """One wrk run; fails on any error or non-2xx answer."""
    args = [tool("wrk"), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s"]
    for name, value in _headers(token).items():
        args += ["-H", f"{name}: {value}"]
    args += ["-s", str(script), url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 30, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH-JSON ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"bench: wrk failed:\n{done.stdout}\n{done.stderr}")
    result: Json = json.loads(lines[-1].removeprefix("BENCH-JSON "))
    failures = sum(result[key] for key in ("connect", "read", "write", "status", "timeout"))
    if failures:
        raise SystemExit(f"bench: {failures} failed requests on {url}: {result}")
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def _run(server: Served, path: str, token: str, seconds: int, script: Path) -> Json:
    """One wrk run, plus the server's CPU time per request it answered (µs)."""
    before = cpu_seconds(server.pid)
    result = wrk(server.base + path, token, seconds, script)
    result["cpu_us"] = (cpu_seconds(server.pid) - before) / result["requests"] * 1e6
    return result


def _summary(runs: list[Json]) -> Json:
    summary = {
        "rps": spread([run["rps"] for run in runs]),
        "p50_ms": spread([run["p50_us"] / 1000 for run in runs]),
        "p99_ms": spread([run["p99_us"] / 1000 for run in runs]),
    }
    if all("cpu_us" in run for run in runs):  # the cache section does not read it
        summary["cpu_us"] = spread([run["cpu_us"] for run in runs])
    return summary


def _ratios(by_variant: Mapping[str, list[Json]]) -> Json:
    """Full-stack throughput over each other variant's, taken round by round."""
    return {
        ratio: spread(
            [
                full["rps"] / other["rps"]
                for full, other in zip(by_variant["full"], by_variant[other_name], strict=True)
            ]
        )
        for ratio, other_name in RATIOS.items()
    }


def _endpoint_results(by_variant: Mapping[str, list[Json]]) -> Json:
    return {
        "variants": {variant: _summary(runs) for variant, runs in by_variant.items()},
        "ratios": _ratios(by_variant),
        "rounds": {
            variant: [
                {
                    "rps": round(run["rps"], 1),
                    "p50_ms": run["p50_us"] / 1000,
                    "p99_ms": run["p99_us"] / 1000,
                    "cpu_us": round(run["cpu_us"], 1),
                }
                for run in runs
            ]
            for variant, runs in by_variant.items()
        },
    }


def _start(stack: ExitStack, directory: Path, env: Mapping[str, str]) -> dict[str, Served]:
    """Every variant's server, started together and then waited for."""
    servers = {
        variant: stack.enter_context(served(variant, env, directory / f"{variant}.log"))
        for variant in VARIANTS
    }
    for variant, server in servers.items():
        _wait_ready(server.base, directory / f"{variant}.log")
    return servers


def interleaved_rounds(
    servers: Mapping[K, Served],
    paths: Mapping[str, str],
    token: str,
    script: Path,
    rounds: int = ROUNDS,
) -> dict[str, dict[K, list[Json]]]:
    """A warm-up of each server on each endpoint, then `rounds` measured rounds, the servers'
    order rotated every round so that none always runs first (or right after another)."""
    keys = list(servers)
    runs: dict[str, dict[K, list[Json]]] = {e: {k: [] for k in keys} for e in paths}
    for path in paths.values():
        for server in servers.values():
            wrk(server.base + path, token, WARMUP_SECONDS, script)
    for round_number in range(rounds):
        shift = round_number % len(keys)
        order = keys[shift:] + keys[:shift]
        for endpoint, path in paths.items():
            for key in order:
                run = _run(servers[key], path, token, DURATION_SECONDS, script)
                runs[endpoint][key].append(run)
    return runs


def measure(env: Mapping[str, str], seeded: Seeded) -> Json:
    """Warm up, then ROUNDS interleaved rounds of every variant on every endpoint."""
    paths = endpoints(seeded)
    started = time.perf_counter()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-service-") as directory, ExitStack() as stack:
        script = Path(directory) / "report.lua"
        script.write_text(WRK_REPORT, encoding="utf-8")
        same_sql()
        servers = _start(stack, Path(directory), env)
        token = fresh_token(servers["full"].base, seeded)  # the floor signs no one in
        headers = {variant: _check(s.base, paths, token) for variant, s in servers.items()}
        body_bytes = same_bodies(servers["full"].base, servers["floor"].base, paths, token)
        runs = interleaved_rounds(servers, paths, token, script)
        profiles = {
            endpoint: profile.record(
                servers["full"].pid,
                PROFILE_SECONDS,
                partial(wrk, servers["full"].base + path, token, PROFILE_SECONDS, script),
            )
            for endpoint, path in paths.items()
            if endpoint != REFERENCE
        }
    return {
        "endpoints": {endpoint: _endpoint_results(v) for endpoint, v in runs.items()},
        "profile": profiles,
        "server_options": example.server_options(),
        "response_headers": headers,
        "body_bytes": body_bytes,
        "settings": {
            "rounds": ROUNDS,
            "duration_seconds": DURATION_SECONDS,
            "warmup_seconds": WARMUP_SECONDS,
            "connections": CONNECTIONS,
            "wrk_threads": THREADS,
            "accept_encoding": ACCEPT_ENCODING,
            "tasks_seeded": len(seeded.task_ids),
            "cpu": CPU_NOTE,
        },
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "seconds": round(time.perf_counter() - started, 1),
    }
