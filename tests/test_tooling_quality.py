"""The site's own tooling meets the bar it sets for the example: ruff and mypy --strict."""

import subprocess

from guidebook.checks import tool
from guidebook.paths import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_check() -> None:
    """`ruff check` passes over guidebook/ and tests/."""
    done = run(tool("ruff"), "check", "--no-cache", "guidebook", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    """guidebook/ and tests/ are formatted."""
    done = run(tool("ruff"), "format", "--check", "--no-cache", "guidebook", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    """guidebook/ and tests/ pass mypy --strict."""
    done = run(tool("mypy"), "--cache-dir", str(ROOT / ".mypy_cache" / "site"))
    assert done.returncode == 0, done.stdout + done.stderr
