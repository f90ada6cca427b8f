"""Finding the files to audit: tooling folders are skipped without being walked."""

import sys
from pathlib import Path

from fastapi_guideline.source import discover

LISTED: list[str] = []
WATCHING = [False]


def _watch(event: str, args: tuple[object, ...]) -> None:
    if WATCHING[0] and event == "os.scandir":
        LISTED.append(str(args[0]))


sys.addaudithook(_watch)  # audit hooks cannot be removed; WATCHING gates this one


def test_skipped_folders_are_not_walked(tmp_path: Path) -> None:
    """A frontend's node_modules (100 000 files) was listed file by file, then dropped."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("x = 1\n")
    for folder in ("node_modules/react/lib", ".venv/lib/site-packages/fastapi", ".git/objects"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "module.py").write_text("x = 1\n")
    LISTED.clear()
    WATCHING[0] = True
    try:
        found = discover(tmp_path)
    finally:
        WATCHING[0] = False
    assert found == [tmp_path / "app" / "main.py"]
    walked = [p for p in LISTED if any(s in p for s in ("node_modules", ".venv", ".git"))]
    assert LISTED and not walked, walked


def test_excluded_paths_and_nested_files_are_found_in_order(tmp_path: Path) -> None:
    for name in ("b/z.py", "a/y.py", "a/x/w.py", "demos/d.py", "Dockerfile"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path, ["demos"])]
    assert found == ["Dockerfile", "a/x/w.py", "a/y.py", "b/z.py"]
