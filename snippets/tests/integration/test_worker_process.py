"""`python -m app.worker` as a process: it stops on SIGTERM, promptly and cleanly.

Kubernetes sends SIGTERM, waits its grace period (30 s by default), then sends
SIGKILL: a worker that outstays it loses its jobs and slows every deploy.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.plugins.redis import RedisServer

SNIPPETS_DIR = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 30
# Far above a prompt stop (about a second), far below the grace period the
# worker is given (20 s, the default): a stop that waits it out fails.
EXIT_TIMEOUT_SECONDS = 10
GRACE_SECONDS = 20


class WorkerProcess:
    """One worker process in its own group, its output in two files."""

    def __init__(self, directory: Path, database_url: str, redis_url: str) -> None:
        self.stdout, self.stderr = directory / "stdout", directory / "stderr"
        environment = os.environ | {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "WORKER_SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
        }
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(  # our own module, fixed arguments
                [sys.executable, "-m", "app.worker"],
                cwd=SNIPPETS_DIR,
                env=environment,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    def lines(self) -> list[str]:
        return self.stdout.read_text().splitlines()

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            if any('"worker ready"' in line for line in self.lines()):
                return
            time.sleep(0.05)
        pytest.fail(
            f"the worker did not log 'worker ready' (exit code "
            f"{self.process.poll()}):\n{self.stderr.read_text()}"
        )

    def terminate(self) -> int | None:
        """SIGTERM, then the exit code within the bound (None: still running)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=EXIT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def worker_process(
    tmp_path: Path, database_url: str, redis_url: str
) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(tmp_path, database_url, redis_url)
    try:
        worker.wait_until_ready()
        yield worker
    finally:
        worker.kill()  # a worker that outstayed the test


def assert_stopped_cleanly(worker: WorkerProcess, exit_code: int | None) -> None:
    assert exit_code is not None, (
        f"still running {EXIT_TIMEOUT_SECONDS} s after SIGTERM:\n"
        + "\n".join(worker.lines()[-5:])
    )
    assert exit_code == 0, worker.stderr.read_text()
    assert "Traceback" not in worker.stderr.read_text()
    records = [json.loads(line) for line in worker.lines()]  # every line is JSON
    assert any(record["message"] == "worker stopped" for record in records)


def test_an_idle_worker_exits_promptly_on_sigterm(
    worker_process: WorkerProcess,
) -> None:
    assert_stopped_cleanly(worker_process, worker_process.terminate())


def test_a_worker_exits_promptly_on_sigterm_when_redis_is_gone(
    worker_process: WorkerProcess, redis_server: RedisServer | None
) -> None:
    """`make run`'s Ctrl+C signals the whole group: Redis may die first."""
    if redis_server is None:
        pytest.fail("this test stops the embedded Redis; unset TEST_REDIS_URL")
    redis_server.stop()
    time.sleep(1.5)  # the worker notices: a dequeue fails, upkeep fails
    assert_stopped_cleanly(worker_process, worker_process.terminate())
