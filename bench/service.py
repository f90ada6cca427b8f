"""(d) The example service under uvicorn and wrk: full stack, no middleware, BaseHTTPMiddleware."""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, Json, free_port, load_average, spread, tool
from bench.database import API, Seeded, fresh_token

VARIANTS = ("full", "bare", "basehttp")
ROUNDS = 5
DURATION_SECONDS = 4
WARMUP_SECONDS = 2
CONNECTIONS = 10  # the app's pool: 5 connections plus 5 overflow
THREADS = 1  # one core for wrk, the other for uvicorn and PostgreSQL
LIST_LIMIT = 50
# What browsers, httpx and requests send: the GZip middleware then compresses large bodies.
ACCEPT_ENCODING = "gzip"
START_TIMEOUT = 60.0
REFERENCE = "GET /healthz"
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
    """The two measured requests, by the name the report uses."""
    return {
        f"GET /tasks?limit={LIST_LIMIT}": f"{API}/tasks?limit={LIST_LIMIT}",
        "GET /tasks/{id}": f"{API}/tasks/{seeded.task_ids[0]}",
        # Reference only (no target): no database, so the middleware is most of the work.
        REFERENCE: "/healthz",
    }


@contextmanager
def uvicorn_server(variant: str, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """Serve one variant with uvicorn (1 worker, no access log) on a loopback port."""
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        f"bench.variants:{variant}",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as errors:
        # The app's JSON access lines go to stdout, as in production; nobody reads them here.
        server = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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


def _summary(runs: list[Json]) -> Json:
    return {
        "rps": spread([run["rps"] for run in runs]),
        "p50_ms": spread([run["p50_us"] / 1000 for run in runs]),
        "p99_ms": spread([run["p99_us"] / 1000 for run in runs]),
    }


def measure(env: Mapping[str, str], seeded: Seeded) -> Json:
    """Warm up, then ROUNDS interleaved rounds of every variant on every endpoint."""
    paths = endpoints(seeded)
    runs: dict[str, dict[str, list[Json]]] = {e: {v: [] for v in VARIANTS} for e in paths}
    started = time.perf_counter()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-service-") as directory, ExitStack() as stack:
        script = Path(directory) / "report.lua"
        script.write_text(WRK_REPORT, encoding="utf-8")
        bases = {}
        for variant in VARIANTS:
            log = Path(directory) / f"{variant}.log"
            bases[variant] = stack.enter_context(uvicorn_server(variant, env, log))
        for variant, base in bases.items():
            _wait_ready(base, Path(directory) / f"{variant}.log")
        token = fresh_token(next(iter(bases.values())), seeded)  # one secret, any server
        headers = {variant: _check(base, paths, token) for variant, base in bases.items()}
        for path in paths.values():
            for variant in VARIANTS:
                wrk(bases[variant] + path, token, WARMUP_SECONDS, script)
        for round_number in range(ROUNDS):
            # Rotate the order, so no variant always runs first (or right after another).
            order = VARIANTS[round_number % 3 :] + VARIANTS[: round_number % 3]
            for endpoint, path in paths.items():
                for variant in order:
                    runs[endpoint][variant].append(
                        wrk(bases[variant] + path, token, DURATION_SECONDS, script)
                    )
    results: dict[str, Any] = {}
    for endpoint, by_variant in runs.items():
        ratios = {
            "full/bare": [
                f["rps"] / b["rps"]
                for f, b in zip(by_variant["full"], by_variant["bare"], strict=True)
            ],
            "full/basehttp": [
                f["rps"] / b["rps"]
                for f, b in zip(by_variant["full"], by_variant["basehttp"], strict=True)
            ],
        }
        results[endpoint] = {
            "variants": {variant: _summary(r) for variant, r in by_variant.items()},
            "ratios": {name: spread(values) for name, values in ratios.items()},
            "rounds": {
                variant: [
                    {
                        "rps": round(r["rps"], 1),
                        "p50_ms": r["p50_us"] / 1000,
                        "p99_ms": r["p99_us"] / 1000,
                    }
                    for r in by_variant[variant]
                ]
                for variant in VARIANTS
            },
        }
    return {
        "endpoints": results,
        "response_headers": headers,
        "settings": {
            "rounds": ROUNDS,
            "duration_seconds": DURATION_SECONDS,
            "warmup_seconds": WARMUP_SECONDS,
            "connections": CONNECTIONS,
            "wrk_threads": THREADS,
            "accept_encoding": ACCEPT_ENCODING,
            "tasks_seeded": len(seeded.task_ids),
        },
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "seconds": round(time.perf_counter() - started, 1),
    }
