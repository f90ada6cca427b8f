"""Shared helpers: paths, timing, statistics, tables and the machine description."""

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
BIN = ROOT / ".venv" / "bin"
# The same quiet switches as the Makefile: the end-of-life banners are not results.
QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
LIBRARIES = (
    "fastapi",
    "starlette",
    "pydantic",
    "uvicorn",
    "sqlalchemy",
    "asyncpg",
    "pgserver",
    "mkdocs",
    "mkdocs-material",
    "pytest",
    "playwright",
)

Json = dict[str, Any]


def tool(name: str) -> str:
    """A console script of the project's virtualenv, else the one on PATH."""
    local = BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"bench: {name} is not installed")
    return found


def environment(**extra: str) -> dict[str, str]:
    """The current environment with the quiet switches and `extra` applied."""
    return {**os.environ, **QUIET_MKDOCS, **extra}


@dataclass(frozen=True)
class Timed:
    """How long a command ran and how it ended."""

    seconds: float
    returncode: int
    output: str


def run_timed(args: Sequence[str], *, cwd: Path = ROOT, timeout: float = 1800) -> Timed:
    """Run a command to completion and measure its wall time."""
    started = time.perf_counter()
    # A session of its own: on a timeout the whole tree goes (make's pytest, its xdist
    # workers, their PostgreSQL), not only the process started here.
    with subprocess.Popen(
        list(args),
        cwd=cwd,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    elapsed = time.perf_counter() - started
    return Timed(elapsed, process.returncode, output)


def spread(values: Sequence[float]) -> Json:
    """Min, median and max of repeated measurements (and how many there were)."""
    return {
        "min": min(values),
        "median": statistics.median(values),
        "max": max(values),
        "n": len(values),
    }


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print an aligned plain-text table to stdout."""
    cells = [[str(cell) for cell in row] for row in [list(header), *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [f"\n{title}"]
    for index, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    print("\n".join(lines))  # noqa: T201  # the benchmark's report is its output


def print_json(name: str, data: Mapping[str, Any]) -> None:
    """Print a section's results as one JSON document."""
    print(json.dumps({name: data}, indent=2, default=str))  # noqa: T201  # the report


def _cpu_model() -> str:
    text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return found.group(1).strip() if found else platform.processor() or "unknown"


def _memory_gib() -> float:
    text = Path("/proc/meminfo").read_text(encoding="utf-8")
    found = re.search(r"^MemTotal:\s+(\d+) kB", text, re.M)
    return round(int(found.group(1)) / 1024**2, 1) if found else 0.0


def _version_of(command: Sequence[str]) -> str:
    if shutil.which(command[0]) is None:
        return "not installed"
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def machine() -> Json:
    """Where the figures were taken: hardware, OS, interpreter and library versions."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "libraries": versions,
        "wrk": _version_of(["wrk", "--version"]).split(" [")[0],
        "chromium": _version_of(["chromium", "--version"]),
    }


def load_average() -> list[float]:
    """The 1/5/15-minute load averages: a busy machine makes noisy figures."""
    return [round(value, 2) for value in os.getloadavg()]
