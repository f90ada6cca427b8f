"""Just enough of Docker's .dockerignore semantics to check a Dockerfile's COPY sources."""

import fnmatch
import re

_COPY = re.compile(r"^COPY\s+(?!--from)(?:--\S+\s+)*(?P<args>.+)$", re.M)


def is_ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches decides; `!` re-includes."""
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.removeprefix("!").strip("/")
        candidates = {path, path.split("/", 1)[0]}
        if any(fnmatch.fnmatchcase(candidate, glob) for candidate in candidates):
            ignored = not negated
    return ignored


def ignored_copy_sources(dockerignore: str, dockerfile: str) -> list[str]:
    """COPY sources (from the build context) that the .dockerignore would leave out."""
    patterns = [
        line.strip()
        for line in dockerignore.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    sources: list[str] = []
    for match in _COPY.finditer(dockerfile):
        *paths, _destination = match["args"].split()
        sources.extend(path.strip("./") or "." for path in paths)
    return [path for path in sources if is_ignored(path, patterns)]
