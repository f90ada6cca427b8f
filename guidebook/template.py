"""The example service as a downloadable template: `tasks-service.zip` at the site root.

The archive holds the files of `snippets/` that git would commit: tracked files plus new files
that are not ignored (`git ls-files --cached --others --exclude-standard`), so a build of a
clean checkout packs exactly the committed project and a developer's preview packs what they
see. Caches, `.local/` (the embedded database), virtual environments and coverage data are
ignored by `.gitignore` and are dropped again here in case a rule goes missing. Entries sit
under one `tasks-service/` folder, sorted, with a fixed timestamp: the same sources always
give the same bytes.
"""

import subprocess
import zipfile
from pathlib import Path, PurePosixPath

from guidebook.paths import SNIPPETS

ARCHIVE = "tasks-service.zip"
FOLDER = "tasks-service"
_NEVER_DIRS = frozenset(
    {
        ".git",
        ".local",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        "htmlcov",
        "node_modules",
    }
)
_NEVER_SUFFIXES = (".pyc", ".pyo")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class TemplateError(RuntimeError):
    """The template's file list could not be read from git."""


def excluded(relative: str) -> bool:
    """A path that never belongs in the template, whatever git says."""
    path = PurePosixPath(relative)
    return (
        any(part in _NEVER_DIRS or part.endswith(".egg-info") for part in path.parts[:-1])
        or path.name.startswith(".coverage")
        or path.name.endswith(_NEVER_SUFFIXES)
    )


def template_files(project: Path = SNIPPETS) -> list[str]:
    """The project's files that go into the template, relative to the project, sorted."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
        cwd=project,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise TemplateError(
            f"git ls-files failed in {project}: {done.stderr.decode(errors='replace')}"
        )
    names = {name for name in done.stdout.decode("utf-8").split("\0") if name}
    return sorted(
        name for name in names if not excluded(name) and (project / name).is_file()
    )  # a tracked file deleted in the work tree is not shipped


def build_archive(directory: Path, project: Path = SNIPPETS) -> Path:
    """Write `tasks-service.zip` into a folder and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / ARCHIVE
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in template_files(project):
            source = project / name
            entry = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if source.stat().st_mode & 0o111 else 0o644
            entry.external_attr = (0o100000 | mode) << 16  # a regular file with its mode
            zf.writestr(entry, source.read_bytes(), compresslevel=9)
    return target
