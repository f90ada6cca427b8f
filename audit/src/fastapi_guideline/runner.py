"""Run the selected checks over a project and turn their hits into cited findings."""

import gc
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_guideline.catalogue import Rule, canonical, rules, severity
from fastapi_guideline.config import Options
from fastapi_guideline.dynamic import start
from fastapi_guideline.project import Project
from fastapi_guideline.registry import Check, Hit, all_checks
from fastapi_guideline.source import NOT_SERVICE_CODE, Module, discover, parse
from fastapi_guideline.target import CLASS_LINES
from fastapi_guideline.waivers import Waiver, read_waivers


@dataclass(frozen=True)
class Finding:
    """A breach of one rule at one place, with everything needed to cite the rule."""

    check: str
    rule: str
    level: str
    title: str
    url: str
    path: str  # relative to the audited root, POSIX
    line: int
    col: int
    message: str
    route: str = ""
    waiver: str = ""  # the reason, when a waiver covers it


@dataclass
class Result:
    """What one audit found."""

    root: Path
    findings: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the audit could not run as asked
    waiver_errors: list[str] = field(default_factory=list)  # waivers without a reason
    skipped: list[str] = field(default_factory=list)  # files this Python cannot parse
    timings: dict[str, float] = field(default_factory=dict)
    files: int = 0

    def failing(self, fail_on: str) -> list[Finding]:
        if fail_on == "never":
            return []
        return [f for f in self.findings if severity(f.level) >= severity(fail_on)]


def _matches(token: str, check: Check, rule: str) -> bool:
    return token in {check.name, rule} or rule.startswith(token) or check.name.startswith(token)


def unknown_tokens(options: Options) -> list[str]:
    """--select/--ignore values that match no rule ID, ID prefix or check name (typos)."""
    pairs = [(c, r) for c in all_checks().values() for r in c.rules]
    ids = rules()
    return [
        token
        for token in (*options.select, *options.ignore)
        if not any(_matches(token, c, r) for c, r in pairs)
        and not any(i.startswith(token) for i in ids)
    ]


def merged_tokens(options: Options) -> list[tuple[str, str]]:
    """--select/--ignore values naming a merged rule, with the rule it went into: no check
    cites a merged ID, so such a value selects or ignores nothing any more."""
    catalogue = rules()
    return [
        (token, canonical(token))
        for token in (*options.select, *options.ignore)
        if token in catalogue and canonical(token) != token
    ]


def selected(check: Check, rule: str, options: Options) -> bool:
    chosen = not options.select or any(_matches(t, check, rule) for t in options.select)
    return chosen and not any(_matches(t, check, rule) for t in options.ignore)


def relative(path: Path, root: Path) -> str:
    return (path.relative_to(root) if path.is_relative_to(root) else path).as_posix()


def _findings(check: Check, hits: Iterable[Hit], options: Options, root: Path) -> Iterator[Finding]:
    catalogue = rules()
    for hit in hits:
        for rule_id in check.rules:
            rule: Rule | None = catalogue.get(rule_id)
            if rule is None or not rule.live or not selected(check, rule_id, options):
                continue
            message = check.message + (f" ({hit.detail})" if hit.detail else "")
            yield Finding(
                check.name,
                rule_id,
                rule.level,
                rule.title,
                rule.short_url,
                relative(hit.path.resolve(), root),
                hit.line,
                hit.col,
                message,
                hit.route,
            )


def audit(path: Path, root: Path, options: Options) -> Result:
    """Audit `path` (a project folder or one file) of the project at `root`."""
    root = root.resolve()
    result = Result(root)
    begun = time.perf_counter()
    checks = [c for c in all_checks().values() if any(selected(c, r, options) for r in c.rules)]
    started, cpu = time.perf_counter(), time.process_time()
    files = discover(path.resolve(), options.exclude)
    audited = {f.resolve() for f in files}
    dynamic = start(options, root, audited, checks)  # forked now, when jobs > 1
    result.files = len(files)
    with _no_cycle_collection():
        parsed = {f: parse(f, root) for f in files if f.suffix == ".py"}
        modules = [m for m in parsed.values() if m is not None]
        result.skipped = [
            f"{relative(f.resolve(), root)}: not valid Python {sys.version_info.major}."
            f"{sys.version_info.minor}"
            for f, m in parsed.items()
            if m is None
        ]
        project = Project(root, modules, files)
        raw: list[tuple[Check, list[Hit]]] = []
        for item in checks:
            if item.scope == "module":
                in_scope = [m for m in modules if item.everywhere or not m.roles & NOT_SERVICE_CODE]
                raw.append((item, [h for m in in_scope for h in _run(item, m, project, result)]))
            elif item.scope in {"project", "file"}:
                raw.append((item, list(item.run(project))))
    result.timings["static"] = time.perf_counter() - started
    result.timings["static_cpu"] = time.process_time() - cpu
    CLASS_LINES.update(
        ((str(m.path.resolve()), node.name), node.lineno - len(node.decorator_list))
        for m in modules
        for node, scope in m.classes
        if not scope
    )
    started = time.perf_counter()
    done = dynamic()
    by_name = {c.name: c for c in checks}
    raw += [(by_name[name], hits) for name, hits in done.hits]
    result.errors += done.errors
    result.timings.update(done.timings)
    if done.timings:
        result.timings["wait"] = time.perf_counter() - started  # what the parallel child cost
    _apply(result, raw, options, modules)
    result.timings["total"] = time.perf_counter() - begun
    return result


def _run(item: Check, module: Module, project: Project, result: Result) -> list[Hit]:
    """One check on one module; a module nested too deeply for it is reported, not fatal."""
    try:
        return list(item.run(module, project))
    except RecursionError:
        result.skipped.append(
            f"{relative(module.path.resolve(), result.root)}: nested too deeply for {item.name}"
        )
        return []


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Run the static part without the cyclic garbage collector: the trees are all kept, so
    its passes over the growing heap find nothing to free, and cost more than the parsing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _apply(
    result: Result, raw: list[tuple[Check, list[Hit]]], options: Options, modules: list[Module]
) -> None:
    """Cite the rules, drop duplicates, and set aside what a waiver with a reason covers."""
    waivers = [w for m in modules for w in read_waivers(m.path, m.comments, m.lines)]
    by_line: dict[tuple[str, int], list[Waiver]] = {}
    for waiver in waivers:
        by_line.setdefault(
            (relative(waiver.path.resolve(), result.root), waiver.applies_to), []
        ).append(waiver)
        if not waiver.reason:
            result.waiver_errors.append(
                f"{relative(waiver.path, result.root)}:{waiver.line}: a waiver needs a reason: "
                f"# guideline: allow[{', '.join(waiver.ids)}] <why>"
            )
    seen: set[tuple[str, str, int, str]] = set()
    for check, hits in raw:
        for finding in _findings(check, hits, options, result.root):
            key = (finding.rule, finding.path, finding.line, finding.route + finding.message)
            if key in seen:
                continue
            seen.add(key)
            cover = next(
                (
                    w
                    for w in by_line.get((finding.path, finding.line), [])
                    if w.reason and w.covers(finding.rule, finding.check)
                ),
                None,
            )
            if cover is None:
                result.findings.append(finding)
                _note_partial_waiver(result, by_line, finding, check)
            else:
                cover.used = True
                result.waived.append(_waived(finding, cover.reason))
    result.waivers = waivers
    result.findings.sort(key=lambda f: (f.path, f.line, f.col, f.rule))


def _note_partial_waiver(
    result: Result, by_line: dict[tuple[str, int], list[Waiver]], finding: Finding, check: Check
) -> None:
    """A waiver on the line names another rule of this finding's check: say what it leaves."""
    for waiver in by_line.get((finding.path, finding.line), []):
        if waiver.reason and any(rule in waiver.names for rule in check.rules):
            result.waiver_errors.append(
                f"{finding.path}:{waiver.line}: allow[{', '.join(waiver.ids)}] leaves "
                f"{finding.rule} of {check.name} at line {finding.line}: name it too, or the "
                "check"
            )


def _waived(finding: Finding, reason: str) -> Finding:
    return Finding(**{**finding.__dict__, "waiver": reason})
