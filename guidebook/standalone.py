"""The example service's suite, run the way a reader runs the downloaded template.

`make test-example` builds `tasks-service.zip` (the files git would commit from `snippets/`),
unpacks it into an empty folder, makes a fresh virtual environment there, installs with the
command `docs/start.md` gives and runs that page's test command. The suite runs once, and that
one run proves both that the example passes and that the template stands on its own: nothing
from this repository's environment, paths or caches reaches it.

Usage: `python -m guidebook.standalone [--keep] [pytest arguments...]`.
"""

import importlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from guidebook.template import FOLDER, build_archive

# The commands docs/start.md gives a reader (tests/test_template.py holds the page to them).
PIP_UPGRADE = 'pip install --upgrade "pip>=25.1"'
INSTALL = "pip install -e '.[embedded-db]' --group dev"
TESTS = "python -m pytest -n auto"
# What would tie the copy to this checkout's environment instead of its own: the settings the
# service and its worker read (a developer's DATABASE_URL, REDIS_URL, ...) are added below.
# TEST_DATABASE_URL stays: it is how a reader points the tests at a server of their own.
_FOREIGN_ENV = frozenset({"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS"})
# A hung suite names its test (pytest's faulthandler) and ends long before CI's own limit; the
# whole suite takes about 6 minutes on two cores with `-n auto`, 12 without.
TESTS_TIMEOUT_SECONDS = 2400


def open_folder() -> Path:
    """An empty folder other users may enter.

    As root, the embedded PostgreSQL runs as its own system user, which must reach the
    binaries inside the project's virtual environment; `mkdtemp` makes folders private (0700).
    """
    folder = Path(tempfile.mkdtemp(prefix="tasks-service-template-"))
    folder.chmod(0o755)
    return folder


def unpack(folder: Path) -> Path:
    """Build the archive, unpack it into `folder` as `unzip` would and return the project's root.

    `ZipFile.extractall` drops the modes the archive records; a reader's unzip keeps them, so
    they are set again (an executable script stays executable).
    """
    archive = build_archive(folder / "download")
    with zipfile.ZipFile(archive) as zf:
        for entry in zf.infolist():
            target = Path(zf.extract(entry, folder))
            if mode := (entry.external_attr >> 16) & 0o777:
                target.chmod(mode)
    return folder / FOLDER


def _service_settings() -> frozenset[str]:
    """The environment names the service and its worker read (case-insensitive)."""
    names: set[str] = set()
    for module, model in (("app.core.config", "Settings"), ("app.worker.config", "WorkerSettings")):
        fields: dict[str, object] = getattr(importlib.import_module(module), model).model_fields
        names.update(name.upper() for name in fields)
    return frozenset(names)


def reader_env(project: Path) -> dict[str, str]:
    """This process's environment without what points into this checkout, with the copy's
    virtual environment active (as `source .venv/bin/activate` makes it)."""
    foreign = _FOREIGN_ENV | _service_settings()
    env = {key: value for key, value in os.environ.items() if key.upper() not in foreign}
    venv = project / ".venv"
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", os.defpath)])
    return env


def commands(project: Path, pytest_args: list[str]) -> list[list[str]]:
    """The reader's steps, in order: venv, pip upgrade, install, tests."""
    python = str(project / ".venv" / "bin" / "python")
    return [
        [sys.executable, "-m", "venv", ".venv"],
        [python, "-m", *shlex.split(PIP_UPGRADE), "--quiet"],
        [python, "-m", *shlex.split(INSTALL), "--quiet"],
        [python, *shlex.split(TESTS)[1:], *pytest_args],
    ]


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()  # before the child's output, which goes straight to the terminal


def run(pytest_args: list[str], keep: bool = False) -> int:
    """Every step in the unpacked project; the first failing step's exit code, else 0."""
    folder = open_folder()
    project = unpack(folder)
    env = reader_env(project)
    _say(f"template unpacked into {project}")
    code = 0
    for command in commands(project, pytest_args):
        _say(f"+ {shlex.join(command)}")
        try:
            code = subprocess.run(
                command, cwd=project, env=env, check=False, timeout=TESTS_TIMEOUT_SECONDS
            ).returncode
        except subprocess.TimeoutExpired:
            _say(f"timed out after {TESTS_TIMEOUT_SECONDS} s: {shlex.join(command)}")
            code = 1
        if code != 0:
            break
    if code != 0 or keep:
        _say(f"left in place for a look: {project}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return code


def main(argv: list[str]) -> int:
    keep = "--keep" in argv
    return run([arg for arg in argv if arg != "--keep"], keep=keep)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
