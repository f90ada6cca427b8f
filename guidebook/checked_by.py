"""What checks each rule: the checks its page names, and the audit tool's, from its registry.

A rule page types its tests, ruff rules, mypy settings, CI steps and what a reviewer looks at
(guidebook.rule_lines). The audit tool's checks are declared once, next to their code, in the
tool's registry (`fastapi_guideline.registry.rules_checked()`), and added here at build time:
to the rule page's *Checked by* line (guidebook.markdown_checks), to rules.json and to the rules
index. No page types an audit check's name.
"""

import functools
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from guidebook.paths import DOCS, RULE_PAGES
from guidebook.rule_lines import AUDIT, Check
from guidebook.rules import Rule
from guidebook.versions import audit_tool

AUDIT_PAGE = "audit.md"
AUDIT_ANCHOR = "what-it-checks"  # the audit page's list of checks per rule
# The order the index lists kinds in: the automatic checks first, the reviewer last.
KIND_ORDER = ("test", AUDIT, "ruff", "mypy", "ci", "reviewer")
RUFF_DOCS = "https://docs.astral.sh/ruff/rules/"


@functools.cache
def audit_checks() -> Mapping[str, tuple[str, ...]]:
    """Rule ID -> the names of the audit checks that enforce it, read once per build."""
    return {rule_id: tuple(names) for rule_id, names in audit_tool().rules_checked().items()}


@functools.cache
def ruff_rules() -> Mapping[str, Mapping[str, Any]]:
    """Every rule this environment's ruff knows, by code (`ruff rule --all`)."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        raise FileNotFoundError("ruff is not installed: it names the ruff rules of Checked by")
    done = subprocess.run(
        [ruff, "rule", "--all", "--output-format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {rule["code"]: rule for rule in json.loads(done.stdout)}


def ruff_names() -> dict[str, str]:
    """Ruff code -> rule name (`BLE001` -> `blind-except`), the slug of its docs page."""
    return {code: str(rule["name"]) for code, rule in ruff_rules().items()}


def checks(rule: Rule, audit: Mapping[str, Sequence[str]] | None = None) -> tuple[Check, ...]:
    """The page's checks of a rule, then the audit's (none for a tombstone)."""
    if rule.retired:
        return ()
    found = audit_checks() if audit is None else audit
    return (*rule.checked_by, *(Check(AUDIT, name) for name in found.get(rule.id, ())))


def kinds(found: Sequence[Check]) -> list[str]:
    """The distinct kinds of a rule's checks, in KIND_ORDER."""
    present = {check.kind for check in found}
    return [kind for kind in KIND_ORDER if kind in present]


def url(check: Check, base_url: str, ruff_names: Mapping[str, str]) -> str | None:
    """Where a check is documented: the audit page, ruff's rule page; None for the others.

    `ruff_names` maps a ruff code to its rule name (`BLE001` -> `blind-except`); a selector of
    many rules (`S`) has no page of its own.
    """
    if check.kind == AUDIT:
        return f"{base_url}audit/#{AUDIT_ANCHOR}"
    if check.kind == "ruff" and check.value in ruff_names:
        return f"{RUFF_DOCS}{ruff_names[check.value]}/"
    return None


def as_json(
    found: Sequence[Check], base_url: str, ruff_names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """rules.json's `checked_by`: `{kind, value}`, and `url` where the check has a page."""
    entries = []
    for check in found:
        entry: dict[str, Any] = {"kind": check.kind, "value": check.value}
        link = url(check, base_url, ruff_names)
        if link:
            entry["url"] = link
        entries.append(entry)
    return entries


def markdown(check: Check) -> str:
    """An audit check as a rule page shows it, linked to the audit page's list of checks."""
    up = "../" * len(RULE_PAGES.relative_to(DOCS).parts)  # rule pages live in docs/rules/
    return f"audit [`{check.value}`]({up}{AUDIT_PAGE}#{AUDIT_ANCHOR})"
