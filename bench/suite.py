"""(b) `make test`'s wall time, phase by phase, as `make test` runs them (one run each).

Each phase is the make target `make test` runs: the example's suite in the unpacked template
(its own venv and installs, `-n auto`), the site's suite (`-n auto`), the audit tool's suite.
"""

import re
import subprocess

from bench.common import ROOT, Json, run_timed

# A phase that hangs (a test stuck in a loop) must not stall the whole benchmark.
PHASE_TIMEOUT_SECONDS = 1800
# pytest's closing line, e.g. "12 passed, 1 skipped in 3.40s".
_SUMMARY = re.compile(r"^=*\s*(?P<summary>\d+ \w+.*?) in [\d.]+s", re.M)
PHASES = ("test-example", "test-site", "test-audit")


def measure() -> Json:
    """Run every phase once; record its wall time and pytest's verdict."""
    results: Json = {}
    for target in PHASES:
        name, command, folder = target.removeprefix("test-"), f"make {target}", "."
        try:
            timed = run_timed(
                ["make", "--no-print-directory", target],
                cwd=ROOT,
                timeout=PHASE_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            results[name] = {
                "seconds": float(PHASE_TIMEOUT_SECONDS),
                "exit_code": None,
                "summary": f"timed out after {PHASE_TIMEOUT_SECONDS} s",
                "command": command,
                "folder": folder,
            }
            continue
        found = list(_SUMMARY.finditer(timed.output))
        results[name] = {
            "seconds": timed.seconds,
            "exit_code": timed.returncode,
            "summary": found[-1].group("summary") if found else "no pytest summary",
            "command": command,
            "folder": folder,
        }
    results["total"] = {"seconds": sum(phase["seconds"] for phase in results.values())}
    return results
