"""`fastapi-guideline audit PATH [--app module:attr]`: the command line."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from fastapi_guideline import __version__, report
from fastapi_guideline.catalogue import CatalogueMissingError, rules
from fastapi_guideline.config import FAIL_ON, ConfigError, from_pyproject, merge, project_root
from fastapi_guideline.registry import all_checks
from fastapi_guideline.runner import Result, audit, merged_tokens, unknown_tokens

FORMATS = {"text": report.text, "json": report.as_json, "sarif": report.sarif}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastapi-guideline", description="Check a FastAPI service against the guideline."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("audit", help="audit a project (or one file)")
    run.add_argument("path", type=Path, nargs="?", default=Path())
    run.add_argument("--app", help="module:attr of the app, an APIRouter or a factory")
    run.add_argument("--models", action="append", default=[], help="module with ORM models")
    run.add_argument("--format", choices=sorted(FORMATS), default="text")
    run.add_argument("--output", type=Path, help="write the report here instead of stdout")
    run.add_argument("--select", action="append", default=[], help="rule ID, prefix or check")
    run.add_argument("--ignore", action="append", default=[], help="rule ID, prefix or check")
    run.add_argument("--exclude", action="append", default=[], help="path pattern to skip")
    run.add_argument("--fail-on", choices=FAIL_ON, help="lowest level that fails (default MUST)")
    run.add_argument(
        "--app-timeout", type=float, help="seconds the app's import and probes may take (120)"
    )
    commands.add_parser("checks", help="list every check and the rules it enforces")
    return parser


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _emit(args: argparse.Namespace, result: Result) -> bool:
    """Write the report to --output or stdout; False when it cannot be written."""
    output = FORMATS[args.format](result)
    if not args.output:
        sys.stdout.write(output)
        return True
    try:
        args.output.write_text(output, encoding="utf-8")
    except OSError as exc:
        print(f"fastapi-guideline: cannot write {args.output}: {exc}", file=sys.stderr)
        return False
    if args.format != "text":
        sys.stdout.write(report.text(result).splitlines()[-1] + "\n")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 when clean, 1 when a finding at or above --fail-on remains, 2 on errors."""
    args = _parser().parse_args(argv)
    try:
        catalogue = rules()
    except CatalogueMissingError as exc:
        print(f"fastapi-guideline: {exc}", file=sys.stderr)
        return 2
    if args.command == "checks":
        for check in all_checks().values():
            cited = ", ".join(f"{r} {catalogue[r].level}" for r in check.rules if r in catalogue)
            print(f"{check.name:34} {check.kind:6} {cited}: {check.message}")
        return 0
    if not args.path.exists():
        print(f"fastapi-guideline: {args.path} does not exist", file=sys.stderr)
        return 2
    root = project_root(args.path.resolve())
    try:
        options = merge(
            from_pyproject(root),
            app=args.app,
            models=args.models,
            select=_split(args.select),
            ignore=_split(args.ignore),
            exclude=args.exclude,
            fail_on=args.fail_on,
            app_timeout=args.app_timeout,
        )
        # The forked child also isolates the service's import (exit, hang, output), so it is
        # used on one core too, where it only costs the fork.
        options.jobs = 2
        unknown = unknown_tokens(options)
        if unknown:
            names = ", ".join(unknown)
            raise ConfigError(f"{names} matches no rule ID, prefix or check (see: checks)")
        for merged, into in merged_tokens(options):
            # A warning, not an error: a config written before the merge still runs.
            print(
                f"fastapi-guideline: warning: {merged} is merged into {into}; it selects or "
                f"ignores nothing now (name {into} or one of its checks)",
                file=sys.stderr,
            )
    except ConfigError as exc:
        print(f"fastapi-guideline: {exc}", file=sys.stderr)
        return 2
    result = audit(args.path, root, options)
    if not _emit(args, result) or result.errors:
        return 2
    return 1 if result.failing(options.fail_on) else 0
