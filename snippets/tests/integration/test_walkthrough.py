"""The curl walk-through from the docs works against the real running service."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.plugins.postgres import SNIPPETS_DIR, upgrade

WALKTHROUGH = SNIPPETS_DIR / "scripts" / "walkthrough.sh"
STARTUP_TIMEOUT_SECONDS = 30
WALKTHROUGH_TIMEOUT_SECONDS = 60
# The start of every line the script prints; the rest (an email) varies.
EXPECTED_LINES = [
    "register     202 detail=Registration received",
    "log in       200 token_type=bearer",
    "who am I     200 email=reader-",
    "create task  201 budget=12.50",
    "list tasks   200 items=1",
    "get task     200 title=Read the guideline",
    "update task  200 status=done",
    "delete task  204",
    "get deleted  404 code=task-not-found",
]


def _search_path() -> str:
    # The venv's bin first (python3, shellcheck), as in an activated venv.
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def _tool(name: str) -> str:
    found = shutil.which(name, path=_search_path())
    assert found is not None, f"{name} is missing: install the dev dependencies"
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_answering(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"The service exited early:\n{log.read_text()}", pytrace=False)
        try:
            httpx.get(f"{url}/api/v1/tasks", timeout=1.0)  # any answer will do
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    pytest.fail(
        f"The service did not answer in time:\n{log.read_text()}", pytrace=False
    )


@pytest.fixture
def service_url(empty_database_url: str, tmp_path: Path) -> Iterator[str]:
    """The service under uvicorn on a free loopback port, with its own database."""
    upgrade(empty_database_url)
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": empty_database_url,
        "JWT_SECRET": "walkthrough-test-secret-of-32-characters",
    }
    log = tmp_path / "service.log"
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603  # fixed arguments, no shell
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=SNIPPETS_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_walkthrough_is_clean_shell() -> None:
    """The script parses with `bash -n` and shellcheck has nothing to flag."""
    for command in ([_tool("bash"), "-n"], [_tool("shellcheck")]):
        result = subprocess.run(  # noqa: S603  # fixed tools on our own script
            [*command, str(WALKTHROUGH)],
            capture_output=True,
            text=True,
            timeout=WALKTHROUGH_TIMEOUT_SECONDS,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_walkthrough_runs_against_the_service(service_url: str) -> None:
    """Register, log in, then create, list, get, update and delete a task."""
    result = subprocess.run(  # noqa: S603  # our own script, no shell
        [_tool("bash"), str(WALKTHROUGH)],
        env={**os.environ, "BASE_URL": service_url, "PATH": _search_path()},
        capture_output=True,
        text=True,
        timeout=WALKTHROUGH_TIMEOUT_SECONDS,
        check=False,
    )

    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXPECTED_LINES), output
    for line, expected in zip(lines, EXPECTED_LINES, strict=True):
        assert line.startswith(expected), output
