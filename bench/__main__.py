"""`python -m bench [SECTION ...]`: measure, print tables and JSON, check targets, write docs."""

import argparse
import asyncio
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from bench import (
    audit,
    auth,
    cache,
    pages,
    report,
    service,
    site,
    slow_clients,
    sql,
    suite,
    workers,
)
from bench.common import Json, machine, print_json

SECTIONS = (
    "site",
    "tests",
    "pages",
    "sql",
    "service",
    "workers",
    "slow",
    "auth",
    "audit",
    "cache",
)


def _service_sections(selected: set[str], results: Json) -> None:
    """Start PostgreSQL once for the sections that need the example service."""
    # Imported here: the other sections run without the example's dependencies.
    from bench.basehttp import rebuild_on_basehttp  # noqa: PLC0415
    from bench.database import (  # noqa: PLC0415
        embedded_postgres,
        seed,
        server_version,
        service_environment,
    )
    from bench.example import create_app  # noqa: PLC0415

    def in_process_app() -> FastAPI:
        # Quiet: the in-process requests would print an access line each.
        return create_app(log_level="WARNING")

    with embedded_postgres() as url:
        env = service_environment(url)
        os.environ.update(env)  # Settings() reads the environment, in here as in uvicorn
        results["postgres"] = asyncio.run(server_version(url))
        seeded = asyncio.run(seed(in_process_app()))
        if "sql" in selected:
            results["sql"] = asyncio.run(sql.measure(in_process_app, seeded))
            print_json("sql", results["sql"])
        if "slow" in selected:
            results["slow_clients"] = slow_clients.measure(env, url, seeded)
            print_json("slow_clients", results["slow_clients"])
        if "service" in selected:
            measured = service.measure(env, seeded)
            measured["stack"] = rebuild_on_basehttp(in_process_app())
            results["service"] = measured
            print_json("service", results["service"])
        if "workers" in selected:
            results["workers"] = workers.measure(env, seeded)
            print_json("workers", results["workers"])
        if "auth" in selected:
            results["auth"] = auth.measure(env, seeded)
            print_json("auth", results["auth"])
        if "cache" in selected:
            results["cache"] = cache.measure(env, seeded)
            print_json("cache", results["cache"])


def main() -> None:
    """Run the chosen sections (all by default) and report."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sections", nargs="*", choices=[*SECTIONS, []], default=[])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ untouched")
    parser.add_argument(
        "--render", action="store_true", help="measure nothing; rewrite docs from results.json"
    )
    arguments = parser.parse_args()
    selected = set(arguments.sections or SECTIONS)
    results = report.load_previous()
    if arguments.render:
        report.print_results(results)
        if not arguments.no_write:
            report.write(results)
        return
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["machine"] = machine()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as directory:
        built = Path(directory) / "site"
        if "site" in selected:
            results["site"] = site.measure(built)
            print_json("site", results["site"])
        if "tests" in selected:
            results["tests"] = suite.measure()
            print_json("tests", results["tests"])
        if "pages" in selected:
            if not built.exists():
                site.build_site(built)
            results["pages"] = pages.measure(built)
            print_json("pages", results["pages"])
    if selected & {"sql", "service", "workers", "slow", "auth", "cache"}:
        _service_sections(selected, results)
    if "audit" in selected:
        results["audit"] = audit.measure()
        print_json("audit", results["audit"])
    report.print_results(results)
    if not arguments.no_write:
        report.write(results)


if __name__ == "__main__":
    main()
