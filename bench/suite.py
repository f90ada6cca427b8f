"""(b) The test suite's wall time, phase by phase (one run each)."""

import re
import subprocess
from pathlib import Path

from bench.common import ROOT, SNIPPETS, Json, run_timed, tool

# A phase that hangs (a test stuck in a loop) must not stall the whole benchmark.
PHASE_TIMEOUT_SECONDS = 300
# pytest's closing line, e.g. "12 passed, 1 skipped in 3.40s".
_SUMMARY = re.compile(r"^=*\s*(?P<summary>\d+ \w+.*?) in [\d.]+s", re.M)


def phases() -> dict[str, tuple[list[str], Path]]:
    """Each phase's pytest arguments and the folder it runs in."""
    browser = sorted(
        path.relative_to(ROOT).as_posix() for path in ROOT.glob("tests/test_browser*.py")
    )
    return {
        "snippet verification": (["tests/test_blocks.py", "tests/test_fences.py"], ROOT),
        "type check": (
            # The example's mypy --strict and the site's own (guidebook/, tests/).
            ["tests/test_snippets_quality.py", "tests/test_tooling_quality.py", "-k", "mypy"],
            ROOT,
        ),
        "unit": (["tests/unit", "--no-cov"], SNIPPETS),
        "integration": (["tests/integration", "--no-cov"], SNIPPETS),
        "contract": (["tests/contract", "--no-cov"], SNIPPETS),
        "browser": (browser, ROOT),
    }


def measure() -> Json:
    """Run every phase once; record its wall time and pytest's verdict."""
    results: Json = {}
    for name, (args, cwd) in phases().items():
        command = " ".join(["pytest", *args])
        folder = cwd.relative_to(ROOT).as_posix() if cwd != ROOT else "."
        try:
            timed = run_timed(
                [tool("python"), "-m", "pytest", "-q", *args],
                cwd=cwd,
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
