"""uv.lock is current: the Dockerfile installs from it (`uv sync --frozen`)."""

import subprocess
import sys
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parents[2]


def test_the_lock_file_matches_pyproject() -> None:
    """`uv lock --check` fails when pyproject.toml changed without `uv lock`."""
    run = subprocess.run(  # uv from the dev group, on our own project
        [sys.executable, "-m", "uv", "lock", "--check"],
        cwd=SNIPPETS,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "No module named uv" not in run.stderr, "install the dev group (uv)"
    assert run.returncode == 0, f"run `uv lock` in snippets/:\n{run.stderr}"


def test_the_image_installs_from_the_lock_file() -> None:
    dockerfile = (SNIPPETS / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY pyproject.toml uv.lock" in dockerfile
    assert dockerfile.count("uv sync --frozen --no-dev") == 2
    assert "pip install ." not in dockerfile  # nothing resolved anew
    assert "uv.lock" in (SNIPPETS / ".dockerignore").read_text(encoding="utf-8")
