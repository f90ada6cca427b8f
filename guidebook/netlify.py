"""netlify.toml and `_redirects` read the way Netlify reads them (the parts this site uses)."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from guidebook.paths import ROOT

NETLIFY_TOML = ROOT / "netlify.toml"


@dataclass(frozen=True)
class Redirect:
    """One rule of a `_redirects` file."""

    source: str
    target: str
    status: int
    force: bool


def config(path: Path = NETLIFY_TOML) -> dict[str, object]:
    """The parsed netlify.toml."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def header_rules(path: Path = NETLIFY_TOML) -> list[tuple[str, dict[str, str]]]:
    """netlify.toml's header rules: (path pattern, headers), in file order."""
    rules = config(path).get("headers", [])
    assert isinstance(rules, list)
    return [(rule["for"], {str(k): str(v) for k, v in rule["values"].items()}) for rule in rules]


def path_matches(pattern: str, path: str) -> bool:
    """Netlify's path patterns: `*` matches the rest of the path, `:name` one segment."""
    regex = "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in re.split(r"(\*|:[A-Za-z_]\w*)", pattern)
    )
    return re.fullmatch(regex, path) is not None


def headers_for(path: str, netlify_toml: Path = NETLIFY_TOML) -> dict[str, str]:
    """Every header netlify.toml sets on a path (rules applied in order)."""
    headers: dict[str, str] = {}
    for pattern, values in header_rules(netlify_toml):
        if path_matches(pattern, path):
            headers.update(values)
    return headers


def csp_directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy split into its directives."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def site_csp(netlify_toml: Path = NETLIFY_TOML) -> str:
    """The Content-Security-Policy netlify.toml sets on every page."""
    return headers_for("/index.html", netlify_toml).get("Content-Security-Policy", "")


def read_redirects(text: str) -> list[Redirect]:
    """The rules of a `_redirects` file (`from to [status][!]`; `#` starts a comment line)."""
    redirects = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        status = words[2] if len(words) > 2 else "301"
        redirects.append(
            Redirect(
                source=words[0],
                target=words[1],
                status=int(status.rstrip("!")),
                force=status.endswith("!"),
            )
        )
    return redirects


def resolve(redirects: list[Redirect], path: str) -> Redirect | None:
    """The first redirect that answers a path (with or without its trailing slash)."""
    bare = path.rstrip("/") or "/"
    for redirect in redirects:
        if redirect.source.rstrip("/") == bare:
            return redirect
    return None
