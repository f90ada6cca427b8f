"""tasks-service.zip: the example project as a template that works on its own."""

import os
import shlex
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from guidebook.paths import DOCS, ROOT, SNIPPETS
from guidebook.standalone import INSTALL, PIP_UPGRADE, TESTS, commands, reader_env, unpack
from guidebook.template import ARCHIVE, FOLDER, build_archive, excluded, template_files


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


LOCAL_STATE = (
    "app/__pycache__/main.cpython-311.pyc",
    ".local/pgdata/PG_VERSION",
    ".venv/bin/python",
    ".pytest_cache/README.md",
    ".mypy_cache/3.11/app.json",
    ".ruff_cache/CACHEDIR.TAG",
    ".hypothesis/examples/x",
    ".coverage",
    ".coverage.host.1234",
    "tests/contract/spectral/node_modules/.bin/spectral",
)


def test_archive_leaves_out_caches_local_state_and_environments(tmp_path: Path) -> None:
    """A project with every kind of local state, one file of it even committed by mistake."""
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "main.py").write_text("app = None\n", encoding="utf-8")
    shutil.copy(SNIPPETS / ".gitignore", project / ".gitignore")
    for name in LOCAL_STATE:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("local\n", encoding="utf-8")
    git = ["git", "-C", str(project)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", LOCAL_STATE[-1], "app/main.py"], check=True)

    packed = [e.removeprefix(f"{FOLDER}/") for e in names(build_archive(tmp_path, project))]

    assert sorted(packed) == [".gitignore", "app/main.py"]
    assert all(excluded(name) for name in LOCAL_STATE)


def test_git_tracks_no_file_its_ignore_rules_exclude() -> None:
    """Installed or generated files never sneak into commits (and so into the template)."""
    tracked_but_ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not tracked_but_ignored, f"{len(tracked_but_ignored)} files: {tracked_but_ignored[:5]}"


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
    assert f"`python -m {PIP_UPGRADE}`" in page
    assert f"`{INSTALL}`" in page
    assert f"`{TESTS}`" in page
    assert 'href="../tasks-service.zip"' in page
    for first in ("JWT_SECRET", "CORS_ORIGINS", "DATABASE_URL", "demos/"):
        assert first in page, first


def test_make_test_example_runs_the_suite_in_the_unpacked_template() -> None:
    """The example suite runs once, standalone: `make test-example` is the reader's run."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest-example:", 1)[1].split("\n\n", 1)[0]
    assert "-m guidebook.standalone" in recipe, recipe
    assert "cd snippets" not in recipe, recipe


def test_the_standalone_run_takes_the_start_pages_steps_in_the_unpacked_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Venv, pip, install and tests run inside the copy, with nothing of this checkout's env."""
    project = unpack(tmp_path)
    assert (project / "pyproject.toml").read_bytes() == (SNIPPETS / "pyproject.toml").read_bytes()
    steps = commands(project, ["-x"])
    python = str(project / ".venv" / "bin" / "python")
    assert steps[0][1:] == ["-m", "venv", ".venv"]
    assert steps[1] == [python, "-m", *shlex.split(PIP_UPGRADE), "--quiet"]
    assert steps[2] == [python, "-m", *shlex.split(INSTALL), "--quiet"]
    assert steps[3] == [python, *shlex.split(TESTS)[1:], "-x"]
    monkeypatch.setenv("VIRTUAL_ENV", str(ROOT / ".venv"))
    monkeypatch.setenv("DATABASE_URL", "postgresql://elsewhere/db")
    monkeypatch.setenv("redis_url", "redis://elsewhere")  # settings are case-insensitive
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:randomly")
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://chosen/db")
    env = reader_env(project)
    assert env["VIRTUAL_ENV"] == str(project / ".venv")  # the copy's, activated
    assert env["PATH"].split(os.pathsep)[0] == str(project / ".venv" / "bin")
    for foreign in ("DATABASE_URL", "redis_url", "PYTEST_ADDOPTS"):
        assert foreign not in env, foreign
    assert env["TEST_DATABASE_URL"] == "postgresql://chosen/db"  # a reader's own choice stays


def test_unpacking_keeps_the_modes_the_archive_records(tmp_path: Path) -> None:
    """As `unzip` does: a script executable in snippets/ is executable in the copy."""
    executables = [name for name in template_files() if (SNIPPETS / name).stat().st_mode & 0o111]
    assert executables, "snippets/ has no executable file to check"
    project = unpack(tmp_path)
    for name in executables:
        assert (project / name).stat().st_mode & 0o111, name
