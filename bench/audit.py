"""(f) The audit tool on the example service: wall and CPU time per run, static part apart.

Runs `python -m fastapi_guideline audit snippets --app app.main:create_app` as a user would
(a fresh process each time: the app import is part of the cost), five times, and reads the
tool's own phase timings (static, app, model) from its JSON report. Not asserted anywhere: the
target (under 2 s in all, the static part well under 1 s) is printed next to the figures.
"""

import json
import os
import resource
import subprocess
import sys
import time

from bench.common import ROOT, SNIPPETS, Json, spread

RUNS = 5
AUDIT_SRC = ROOT / "audit" / "src"
# create_app() builds its settings; the lifespan never runs, so nothing connects.
ENVIRONMENT = {
    "DATABASE_URL": "postgresql+asyncpg://bench:bench@127.0.0.1:9/bench",
    "JWT_SECRET": "a-benchmark-only-secret-of-at-least-32-chars",
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(*, with_app: bool) -> Json:
    """One audit of the example in a fresh process: wall, CPU and the tool's own phases."""
    args = [
        sys.executable,
        "-m",
        "fastapi_guideline",
        "audit",
        str(SNIPPETS),
        "--exclude",
        "demos",
        "--format",
        "json",
    ]
    if with_app:
        args += ["--app", "app.main:create_app"]
    env = {**os.environ, **ENVIRONMENT, "PYTHONPATH": str(AUDIT_SRC)}
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        args, cwd=SNIPPETS, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench audit: the audit failed:\n{done.stderr}")
    report = json.loads(done.stdout)
    return {
        "wall": wall,
        "cpu": cpu,
        "files": report["files"],
        "findings": len(report["findings"]),
        **report["timings"],
    }


def measure() -> Json:
    """Five full audits (static, app, model) and five static-only ones."""
    full = [run_once(with_app=True) for _ in range(RUNS)]
    static = [run_once(with_app=False) for _ in range(RUNS)]
    result: Json = {
        "runs": RUNS,
        "files": full[0]["files"],
        "findings": full[0]["findings"],
        "target": "whole audit < 2 s, static part well under 1 s",
        "full_wall_s": spread([r["wall"] for r in full]),
        "full_cpu_s": spread([r["cpu"] for r in full]),
        "static_phase_s": spread([r["static"] for r in full]),
        "app_phase_s": spread([r["app"] for r in full]),
        "model_phase_s": spread([r["model"] for r in full]),
        # CPU seconds of each phase: on two idle cores the parallel audit takes about
        # start-up + max(static, app + model), whatever the load was while measuring.
        "static_phase_cpu_s": spread([r["static_cpu"] for r in full]),
        "app_phase_cpu_s": spread([r["app_cpu"] for r in full]),
        "model_phase_cpu_s": spread([r["model_cpu"] for r in full]),
        "static_only_wall_s": spread([r["wall"] for r in static]),
        "static_only_cpu_s": spread([r["cpu"] for r in static]),
    }
    return result


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))  # noqa: T201 - a benchmark prints its figures
