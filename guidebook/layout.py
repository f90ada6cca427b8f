"""The project-layout tree shown in the Project Structure section, checked against snippets/."""

import re
from pathlib import Path

_ENTRY = re.compile(r"^(?P<prefix>(?:[│ ] {3}|[├└]── )*)(?P<name>[^\s#][^#]*?)\s*(?:#.*)?$")
_IGNORED = {
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    ".local",
    ".coverage",
}


def listed_paths(tree: str) -> list[str]:
    """Paths (relative to the tree's root, directories ending in '/') named by a tree."""
    lines = [line for line in tree.splitlines() if line.strip()]
    stack: list[str] = []
    paths = []
    for line in lines[1:]:  # the first line names the root itself
        match = _ENTRY.match(line)
        if match is None:
            raise ValueError(f"cannot read tree line {line!r}")
        depth = len(match["prefix"]) // 4 - 1
        name = match["name"].strip()
        del stack[depth:]
        stack.append(name)
        paths.append("".join(stack))
    return paths


def missing_paths(tree: str, root: Path) -> list[str]:
    """Paths the tree names that do not exist under root."""
    missing = []
    for path in listed_paths(tree):
        target = root / path.rstrip("/")
        if (path.endswith("/") and not target.is_dir()) or not target.exists():
            missing.append(path)
    return missing


def unlisted_paths(tree: str, root: Path, under: str = "app/") -> list[str]:
    """Files and folders of root (top level, and everything under `under`) the tree omits."""
    listed = set(listed_paths(tree))
    actual = []
    for path in sorted(root.iterdir()):
        if path.name not in _IGNORED and not path.name.endswith(".egg-info"):
            actual.append(path.name + ("/" if path.is_dir() else ""))
    for path in sorted((root / under).rglob("*")):
        if _IGNORED.isdisjoint(path.parts):
            rel = path.relative_to(root).as_posix()
            actual.append(rel + ("/" if path.is_dir() else ""))
    return [path for path in actual if path not in listed]
