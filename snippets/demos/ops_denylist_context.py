"""Don't: a .dockerignore deny-list lets every file nobody thought of through."""

from fnmatch import fnmatch
from pathlib import PurePosixPath

# --8<-- [start:demo]
# The .dockerignore as a deny-list: only what someone remembered stays out.
DOCKERIGNORE = """
.git
.venv
__pycache__
"""
# Not listed, so sent to the builder and copied by `COPY . .`: the .env with
# real secrets, a database dump, and whatever file someone adds next week.
# --8<-- [end:demo]


def reaches_context(path: str, dockerignore: str) -> bool:
    """Docker's rule: the last matching pattern decides; `!` lets a path back in."""
    candidates = [path, *(str(parent) for parent in PurePosixPath(path).parents)]
    included = True
    lines = (line.strip() for line in dockerignore.splitlines())
    for line in (line for line in lines if line and not line.startswith("#")):
        pattern = line.removeprefix("!").rstrip("/")
        if any(fnmatch(candidate, pattern) for candidate in candidates):
            included = line.startswith("!")
    return included
