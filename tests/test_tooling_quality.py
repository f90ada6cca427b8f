"""The site's own tooling meets the bar it sets for the example: ruff and mypy --strict."""

import subprocess

from guidebook.checks import tool
from guidebook.paths import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_check() -> None:
    """`ruff check` passes over guidebook/, tests/ and bench/."""
    done = run(tool("ruff"), "check", "--no-cache", "guidebook", "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    """guidebook/, tests/ and bench/ are formatted."""
    done = run(tool("ruff"), "format", "--check", "--no-cache", "guidebook", "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    """guidebook/, tests/ and bench/ pass mypy --strict."""
    done = run(tool("mypy"), "--cache-dir", str(ROOT / ".mypy_cache" / "site"))
    assert done.returncode == 0, done.stdout + done.stderr
