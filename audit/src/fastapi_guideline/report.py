"""The three outputs: ruff-style text for people, JSON and SARIF 2.1.0 for machines."""

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi_guideline import __version__
from fastapi_guideline.catalogue import rules
from fastapi_guideline.registry import all_checks
from fastapi_guideline.runner import Finding, Result, relative

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"MUST": "error", "SHOULD": "warning", "MAY": "note"}


def _where(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.col}"


def text(result: Result) -> str:
    """`app/main.py:12:5 ERR-001 MUST message [CHECK] https://…/r/ERR-001/`, then a summary."""
    lines = []
    for f in result.findings:
        route = f" {f.route}:" if f.route else ""
        lines.append(f"{_where(f)} {f.rule} {f.level}{route} {f.message} [{f.check}] {f.url}")
    for f in result.waived:
        lines.append(f"waived: {_where(f)} {f.rule} [{f.check}]: {f.waiver}")
    lines.extend(
        f"unused waiver: {relative(w.path.resolve(), result.root)}:{w.line} "
        f"allow[{', '.join(w.ids)}]"
        for w in result.waivers
        if w.reason and not w.used
    )
    lines.extend(f"error: {e}" for e in (*result.errors, *result.waiver_errors))
    lines.extend(f"skipped: {s}" for s in result.skipped)
    levels = {level: sum(f.level == level for f in result.findings) for level in SARIF_LEVELS}
    counts = ", ".join(f"{n} {level}" for level, n in levels.items() if n)
    seconds = result.timings.get("total", sum(result.timings.values()))
    lines.append(
        f"{len(result.findings)} findings{f' ({counts})' if counts else ''}, "
        f"{len(result.waived)} waived, {result.files} files, {seconds:.2f} s"
    )
    return "\n".join(lines) + "\n"


def as_json(result: Result) -> str:
    data = {
        "tool": "fastapi-guideline",
        "version": __version__,
        "findings": [asdict(f) for f in result.findings],
        "waived": [asdict(f) for f in result.waived],
        "errors": [*result.errors, *result.waiver_errors],
        "skipped": result.skipped,
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
        "files": result.files,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def source_root(root: Path) -> Path:
    """The repository the audited project is in (code scanning resolves URIs from its root)."""
    return next((f for f in (root, *root.parents) if (f / ".git").exists()), root)


def _artifact(finding: Finding, root: Path, base: Path) -> dict[str, str]:
    """A URI relative to %SRCROOT% (percent-encoded), or a file URI for a file outside it."""
    path = Path(finding.path)
    full = path if path.is_absolute() else root / path
    if full.is_relative_to(base):
        return {"uri": quote(full.relative_to(base).as_posix()), "uriBaseId": "%SRCROOT%"}
    return {"uri": full.as_uri()}


def _result(
    finding: Finding, index: dict[str, int], artifact: dict[str, str], occurrence: int
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": SARIF_LEVELS[finding.level],
        "message": {"text": f"{finding.message} [{finding.check}] {finding.url}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {"startLine": finding.line, "startColumn": finding.col},
                },
                **({"logicalLocations": [{"name": finding.route}]} if finding.route else {}),
            }
        ],
        # Line-free, so an alert survives edits above it; the occurrence tells apart two
        # like findings in one file (one fingerprint would make them one alert).
        "partialFingerprints": {
            "guidelineFinding/v1": f"{finding.check}:{finding.path}:{finding.message}:{occurrence}"
        },
        "properties": {"check": finding.check, "level": finding.level},
    }
    if finding.waiver:
        entry["suppressions"] = [{"kind": "inSource", "justification": finding.waiver}]
    return entry


def _order(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.path, finding.line, finding.col, finding.rule)


def sarif(result: Result) -> str:
    """A SARIF 2.1.0 log that GitHub code scanning turns into pull request annotations."""
    catalogue = rules()
    checks_by_rule: dict[str, list[str]] = {}
    for check in all_checks().values():
        for rule_id in check.rules:
            checks_by_rule.setdefault(rule_id, []).append(check.name)
    cited = sorted({f.rule for f in (*result.findings, *result.waived)})
    index = {rule_id: position for position, rule_id in enumerate(cited)}
    driver_rules = [
        {
            "id": rule_id,
            "name": rule_id.replace("-", ""),
            "shortDescription": {"text": catalogue[rule_id].title},
            "fullDescription": {"text": f"{catalogue[rule_id].level} · {catalogue[rule_id].title}"},
            "helpUri": catalogue[rule_id].short_url,
            "help": {"text": f"See {catalogue[rule_id].short_url}"},
            "defaultConfiguration": {"level": SARIF_LEVELS[catalogue[rule_id].level]},
            "properties": {"level": catalogue[rule_id].level, "checks": checks_by_rule[rule_id]},
        }
        for rule_id in cited
    ]
    base = source_root(result.root)
    seen: Counter[tuple[str, str, str, str]] = Counter()
    results = []
    for finding in sorted((*result.findings, *result.waived), key=_order):
        key = (finding.rule, finding.check, finding.path, finding.message)
        results.append(_result(finding, index, _artifact(finding, result.root, base), seen[key]))
        seen[key] += 1
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fastapi-guideline",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": next(iter(catalogue.values())).short_url.split("/r/")[0]
                        + "/",
                        "rules": driver_rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri() + "/"}},
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not result.errors,
                        "toolExecutionNotifications": [
                            *(
                                {"level": "error", "message": {"text": e}}
                                for e in (*result.errors, *result.waiver_errors)
                            ),
                            *({"level": "warning", "message": {"text": s}} for s in result.skipped),
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
