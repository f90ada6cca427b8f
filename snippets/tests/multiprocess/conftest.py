"""The service as production runs it: 2 uvicorn processes and 2 queue workers.

One PostgreSQL and one Redis (the suite's), real processes started from the
project's own commands; every request opens a new connection, so the kernel
spreads them over both API processes.
"""

import asyncio
import os
import signal
import socket as stdlib_socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from app.core.http_protocol import TrackingH11Protocol
from tests.conftest import JWT_SECRET

SNIPPETS_DIR = Path(__file__).resolve().parents[2]
METRICS_TOKEN = "multiprocess-scraper-token"
API_PROCESSES = 2
QUEUE_WORKERS = 2
START_TIMEOUT_SECONDS = 30


@dataclass
class Stack:
    """Where the running stack is reached, and what it was started with."""

    socket: Path
    metrics_dir: Path
    database_url: str
    redis_url: str

    def client(self) -> httpx.AsyncClient:
        """No kept-alive connections: each request may reach either process."""
        transport = httpx.AsyncHTTPTransport(
            uds=str(self.socket), limits=httpx.Limits(max_keepalive_connections=0)
        )
        return httpx.AsyncClient(transport=transport, base_url="http://api", timeout=10)

    def api_pids(self) -> set[str]:
        """The processes that have counted a request (their metric files)."""
        return {
            path.stem.rsplit("_", 1)[-1]
            for path in self.metrics_dir.glob("counter_*.db")
        }


def _start(
    command: list[str], environment: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603  # the project's own commands
            command,
            cwd=SNIPPETS_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopped as one
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_for(condition: object, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"{what} did not start in {START_TIMEOUT_SECONDS} s:\n{tail}")


def _serves(socket: Path) -> bool:
    # Connect by hand first: httpcore leaks the socket of a refused UDS connect.
    with stdlib_socket.socket(stdlib_socket.AF_UNIX) as probe:
        try:
            probe.connect(str(socket))
        except OSError:
            return False
    transport = httpx.HTTPTransport(uds=str(socket))
    try:
        with httpx.Client(transport=transport, base_url="http://api") as client:
            return client.get("/healthz").status_code == 200
    except httpx.TransportError:
        return False


def _workers_registered(redis_url: str) -> bool:
    client = redis.Redis.from_url(redis_url)
    try:
        # Each SAQ worker writes saq:<queue>:worker_info:<id> as it starts;
        # the sweep lock shows the start-up sweep is over.
        workers = client.keys("saq:*:worker_info:*")
        return len(workers) >= QUEUE_WORKERS and bool(client.keys("*:sweep"))
    finally:
        client.close()


@pytest.fixture(scope="module")
def stack(database_url: str, redis_url: str) -> Iterator[Stack]:
    """Start the API (2 processes) and 2 queue workers; stop them all after."""
    with tempfile.TemporaryDirectory(prefix="tasks-multiprocess-") as directory:
        root = Path(directory)
        metrics_dir = root / "prometheus"
        metrics_dir.mkdir()
        log = root / "stack.log"
        environment = {
            "PATH": os.environ["PATH"],
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "JWT_SECRET": JWT_SECRET,
            "ENVIRONMENT": "test",
            "LOG_LEVEL": "WARNING",
            "METRICS_TOKEN": METRICS_TOKEN,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "LOGIN_ATTEMPTS_PER_ACCOUNT": "3",
            "WORKER_CONCURRENCY": "2",
            "WORKER_SHUTDOWN_GRACE_SECONDS": "1",
        }
        socket = root / "api.sock"
        api = _start(
            [
                sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
                "--uds", str(socket), "--workers", str(API_PROCESSES),
                "--no-access-log", "--loop", "uvloop",
                "--http", TrackingH11Protocol.IMPORT_PATH,
            ],
            environment,
            log,
        )  # fmt: skip
        workers = [
            _start([sys.executable, "-m", "app.worker"], environment, log)
            for _ in range(QUEUE_WORKERS)
        ]
        try:
            _wait_for(lambda: _serves(socket), "the API", log)
            _wait_for(lambda: _workers_registered(redis_url), "the queue workers", log)
            yield Stack(socket, metrics_dir, database_url, redis_url)
        finally:
            for process in [api, *workers]:
                _stop(process)


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with stack.client() as client:
        yield client


async def spread(stack: Stack, count: int) -> None:
    """Enough requests that both API processes have answered at least one."""
    async with stack.client() as client:
        for _ in range(200):
            await asyncio.gather(*(client.get("/healthz") for _ in range(count)))
            if len(stack.api_pids()) >= API_PROCESSES:
                return
    pytest.fail(f"only {stack.api_pids()} answered: the kernel never spread the load")
