"""Options from the command line and the audited project's `[tool.fastapi-guideline]`."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FAIL_ON = ("MUST", "SHOULD", "MAY", "never")


MAX_APP_TIMEOUT = 3600  # an hour: a CI job's budget, and a bound the child's timer can hold


class ConfigError(ValueError):
    """The configuration cannot be used as written."""


@dataclass
class Options:
    """What to audit and how to judge it; the command line wins over pyproject.toml."""

    app: str | None = None
    models: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    fail_on: str = "MUST"
    jobs: int = 1  # 2: import the app in a forked child while the parent parses
    app_timeout: float = 120.0  # seconds the forked app phase may take


def project_root(path: Path) -> Path:
    """The folder that holds the audited project's pyproject.toml (or the path's folder)."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


def from_pyproject(root: Path) -> dict[str, Any]:
    """The `[tool.fastapi-guideline]` table of the project, or an empty one."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table")
    table = tool.get("fastapi-guideline", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fastapi-guideline] must be a table")
    return table


def _strings(table: dict[str, Any], key: str) -> list[str]:
    """A list-of-strings setting; a bare string would be read one character at a time."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"[tool.fastapi-guideline]: {key} must be a list of strings, not {value!r}"
        )
    return value


def merge(table: dict[str, Any], **given: Any) -> Options:  # noqa: ANN401 - CLI values of several types
    """Options from pyproject values overridden by the ones given on the command line."""
    known = {"app", "models", "select", "ignore", "exclude", "fail-on", "app-timeout"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"[tool.fastapi-guideline]: unknown keys {', '.join(unknown)}")
    if not isinstance(table.get("app", ""), str):
        raise ConfigError("[tool.fastapi-guideline]: app must be a string (module:attr)")
    options = Options(
        app=table.get("app"),
        models=_strings(table, "models"),
        select=_strings(table, "select"),
        ignore=_strings(table, "ignore"),
        exclude=_strings(table, "exclude"),
        fail_on=str(table.get("fail-on", "MUST")),
        app_timeout=table.get("app-timeout", Options.app_timeout),
    )
    for key, value in given.items():
        if value not in (None, []):
            setattr(options, key, value)
    timeout = options.app_timeout
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 0 < timeout <= MAX_APP_TIMEOUT  # also refuses nan and inf
    ):
        raise ConfigError(
            f"app-timeout must be a number of seconds above 0 and at most {MAX_APP_TIMEOUT}, "
            f"not {timeout!r}"
        )
    if options.fail_on not in FAIL_ON:
        raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {options.fail_on!r}")
    return options
