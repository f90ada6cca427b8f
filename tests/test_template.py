"""tasks-service.zip: the example project as a template that works on its own."""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidebook.paths import DOCS, SNIPPETS
from guidebook.template import ARCHIVE, FOLDER, build_archive, excluded, template_files

# The commands docs/start.md gives a reader; the standalone test runs exactly these.
INSTALL = "pip install -e '.[embedded-db]' --group dev"
TESTS = "python -m pytest"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("template"))


def names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()


def test_archive_holds_the_project_under_one_folder(archive: Path) -> None:
    """Every entry sits under tasks-service/, and the project's key files are there."""
    entries = names(archive)
    assert archive.name == ARCHIVE
    assert all(entry.startswith(f"{FOLDER}/") for entry in entries)
    for required in (
        "pyproject.toml",
        "README.md",
        "alembic.ini",
        ".env.example",
        "app/main.py",
        "tests/conftest.py",
        "migrations/env.py",
    ):
        assert f"{FOLDER}/{required}" in entries, required


def test_archive_holds_exactly_the_files_git_would_commit(archive: Path) -> None:
    """The entries are git's file list for snippets/ (tracked or new, never ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "."],
        cwd=SNIPPETS,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    expected = {name for name in listed if (SNIPPETS / name).is_file()}
    assert {entry.removeprefix(f"{FOLDER}/") for entry in names(archive)} == expected


def test_archive_has_no_caches_local_state_or_environments(archive: Path) -> None:
    """No __pycache__, .local/, .venv, tool caches or coverage data, though snippets/ has some."""
    banned = (
        "/__pycache__/",
        "/.local/",
        "/.venv/",
        "/.pytest_cache/",
        "/.mypy_cache/",
        "/.ruff_cache/",
        "/.hypothesis/",
        "/.coverage",
    )
    bad = [entry for entry in names(archive) if any(part in f"/{entry}" for part in banned)]
    assert not bad, bad
    assert excluded("app/__pycache__/main.cpython-311.pyc")
    assert excluded(".local/pgdata/PG_VERSION")
    assert excluded(".coverage")
    assert not excluded("app/main.py")


def test_archive_is_reproducible(archive: Path, tmp_path: Path) -> None:
    """Building the archive again from the same files gives the same bytes."""
    again = build_archive(tmp_path)
    if template_files() == [e.removeprefix(f"{FOLDER}/") for e in names(archive)]:
        assert again.read_bytes() == archive.read_bytes()
    with zipfile.ZipFile(again) as zf:
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())


def test_start_page_gives_the_commands_the_test_runs() -> None:
    """docs/start.md tells the reader to install and test exactly as the standalone test does."""
    page = (DOCS / "start.md").read_text(encoding="utf-8")
    assert f"`{INSTALL}`" in page
    assert f"`{TESTS}`" in page
    assert 'href="../tasks-service.zip"' in page
    for first in ("JWT_SECRET", "CORS_ORIGINS", "DATABASE_URL", "demos/"):
        assert first in page, first


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """An empty folder other users may enter.

    As root, the embedded PostgreSQL runs as its own system user, which must reach the
    binaries inside the project's virtual environment; pytest's temporary folders are
    private to root (0700), so the project goes into a folder of its own.
    """
    folder = Path(tempfile.mkdtemp(prefix="tasks-service-template-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_template_installs_and_passes_its_own_tests_standalone(
    archive: Path, open_folder: Path
) -> None:
    """Unpacked into an empty folder with a fresh venv, the project's own test suite passes."""
    workdir = open_folder
    assert not any(workdir.iterdir())
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(workdir)
    project = workdir / FOLDER
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL", "PYTEST_ADDOPTS"}
    }

    def run(*command: str, timeout: int) -> None:
        done = subprocess.run(
            command,
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout[-6000:]}{done.stderr}"

    run(sys.executable, "-m", "venv", ".venv", timeout=120)
    python = str(project / ".venv" / "bin" / "python")
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip>=25.1", timeout=300)
    run(python, "-m", *shlex.split(INSTALL), "--quiet", timeout=600)
    # The whole example suite (about 880 tests, two processes in some): ~10 min on 2 quiet
    # cores. The bound only stops a hung run; it is no speed check (`--durations` shows it).
    run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", timeout=2700)
