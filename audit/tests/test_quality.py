"""The tool's own code is held to the bar it checks: ruff, ruff format and mypy --strict."""

import os
import subprocess
import sys
from pathlib import Path

AUDIT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(AUDIT / "src")}
    return subprocess.run(
        args, cwd=AUDIT, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def test_ruff_check() -> None:
    done = _run(str(BIN / "ruff"), "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    done = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    done = _run(str(BIN / "mypy"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_audit_audits_itself_clean() -> None:
    """The tool's source breaks none of the rules it checks (its tests' corpus is excluded)."""
    done = _run(sys.executable, "-m", "fastapi_guideline", "audit", "src")
    assert done.returncode == 0, done.stdout + done.stderr
