"""The checks and the rules each one enforces: declared once, next to the code of the check.

A check has a name (`BLOCKING-SLEEP`), the rule IDs it enforces, a kind (`static`: the source
tree; `app`: the imported application; `model`: the SQLAlchemy metadata), a scope that says
what it is given, and a one-line message. Everything else (the docs page's list of checks per
rule, the rule pages' "Checked by: audit", SARIF rule metadata) is derived from this registry.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["static", "app", "model"]
Scope = Literal["module", "project", "file", "app", "model"]


@dataclass(frozen=True)
class Hit:
    """Where a check found a breach; `detail` completes the check's message."""

    path: Path
    line: int
    col: int = 1
    detail: str = ""
    route: str = ""


@dataclass(frozen=True)
class Check:
    """One check: what it enforces and the function that runs it."""

    name: str
    rules: tuple[str, ...]
    kind: Kind
    scope: Scope
    message: str
    run: Callable[..., Iterator[Hit]]
    everywhere: bool = False  # also in tests, scripts and migrations (typing hygiene)


CHECKS: dict[str, Check] = {}


def check(  # noqa: PLR0913 - a registration names each fact of the check once
    name: str,
    rules: tuple[str, ...],
    kind: Kind,
    scope: Scope,
    message: str,
    *,
    everywhere: bool = False,
) -> Callable[[Callable[..., Iterator[Hit]]], Callable[..., Iterator[Hit]]]:
    """Register the decorated function as a check."""

    def register(function: Callable[..., Iterator[Hit]]) -> Callable[..., Iterator[Hit]]:
        if name in CHECKS:
            raise ValueError(f"check {name} is registered twice")
        CHECKS[name] = Check(name, rules, kind, scope, message, function, everywhere)
        return function

    return register


def all_checks() -> dict[str, Check]:
    """Every registered check, importing the check modules on first use."""
    from fastapi_guideline import checks  # noqa: F401, PLC0415 - registers the checks

    return CHECKS


def rules_checked() -> dict[str, list[str]]:
    """Rule ID -> the names of the checks that enforce it (for the rule pages and rules.json)."""
    by_rule: dict[str, list[str]] = {}
    for item in all_checks().values():
        for rule_id in item.rules:
            by_rule.setdefault(rule_id, []).append(item.name)
    return dict(sorted(by_rule.items()))
