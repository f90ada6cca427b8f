"""(h) How many uvicorn processes: the full stack with `WEB_CONCURRENCY` 1, 2 and 4 on this
machine, interleaved, as PERF-001's sizing advice needs a figure."""

import tempfile
import time
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path

from bench.common import Json, load_average, spread
from bench.database import Seeded, fresh_token
from bench.service import (
    CONNECTIONS,
    DURATION_SECONDS,
    LIST,
    REFERENCE,
    ROUNDS,
    WRK_REPORT,
    Served,
    _summary,
    _wait_ready,
    endpoints,
    interleaved_rounds,
    served,
)

PROCESSES = (1, 2, 4)


def _start(stack: ExitStack, directory: Path, env: Mapping[str, str]) -> dict[int, Served]:
    servers = {}
    for count in PROCESSES:
        metrics = directory / f"metrics-{count}"
        metrics.mkdir()
        # As in one container: several processes add their metrics up in a shared directory.
        extra = {"PROMETHEUS_MULTIPROC_DIR": str(metrics)} if count > 1 else {}
        log = directory / f"workers-{count}.log"
        servers[count] = stack.enter_context(served("full", {**env, **extra}, log, workers=count))
    for count, server in servers.items():
        _wait_ready(server.base, directory / f"workers-{count}.log")
    return servers


def measure(env: Mapping[str, str], seeded: Seeded) -> Json:
    """ROUNDS interleaved rounds of each process count on the list and detail reads."""
    paths = {e: p for e, p in endpoints(seeded).items() if e != REFERENCE}
    started, load_before = time.perf_counter(), load_average()
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as directory, ExitStack() as stack:
        script = Path(directory) / "report.lua"
        script.write_text(WRK_REPORT, encoding="utf-8")
        servers = _start(stack, Path(directory), env)
        token = fresh_token(servers[1].base, seeded)
        runs = interleaved_rounds(servers, paths, token, script)
    results: Json = {}
    for endpoint, by_count in runs.items():
        results[endpoint] = {
            "processes": {str(n): _summary(by_count[n]) for n in PROCESSES},
            # Throughput over one process's, round by round.
            "over_one": {
                str(n): spread(
                    [a["rps"] / b["rps"] for a, b in zip(by_count[n], by_count[1], strict=True)]
                )
                for n in PROCESSES[1:]
            },
        }
    return {
        "endpoints": results,
        "settings": {"rounds": ROUNDS, "duration_seconds": DURATION_SECONDS},
        "connections": CONNECTIONS,
        "list": LIST,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "seconds": round(time.perf_counter() - started, 1),
    }
