"""Spectral (spectral:oas + OWASP API Security) finds no error in the document.

Its npm packages are pinned in spectral/package.json and package-lock.json;
the test installs them with `npm ci` when they are missing. Any error not
switched off, with a reason, in spectral/.spectral.yaml fails the test.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.contract.test_openapi_snapshot import _current_document

TOOLS = Path(__file__).with_name("spectral")
RULESET = TOOLS / ".spectral.yaml"
SPECTRAL = TOOLS / "node_modules" / ".bin" / "spectral"
ERROR = 0  # Spectral's severities: 0 error, 1 warning, 2 info, 3 hint


def installed_spectral() -> Path:
    """The pinned Spectral, installed from the lock file on first use."""
    if SPECTRAL.exists():
        return SPECTRAL
    npm = shutil.which("npm")
    assert npm, "Spectral needs Node.js and npm (e.g. apt-get install npm)."
    run = subprocess.run(  # noqa: S603  # the committed lock file, nothing else
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=TOOLS,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, f"npm ci failed:\n{run.stdout}\n{run.stderr}"
    return SPECTRAL


# Beside the ruleset (and git-ignored): its `overrides` name files relative
# to the ruleset, so the document is linted where those paths point.
DOCUMENT = TOOLS / "openapi.json"


@pytest.fixture(scope="module")
def findings() -> list[dict[str, Any]]:
    spectral = installed_spectral()
    document = DOCUMENT
    document.write_text(json.dumps(_current_document()), encoding="utf-8")
    run = subprocess.run(  # noqa: S603  # the pinned tool on our own document
        [
            *(str(spectral), "lint", str(document), "--ruleset", str(RULESET)),
            *("--format", "json", "--quiet"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.stdout.strip().startswith("["), run.stdout + run.stderr
    found: list[dict[str, Any]] = json.loads(run.stdout)
    return found


def test_spectral_reports_no_error(findings: list[dict[str, Any]]) -> None:
    errors = [
        f"{item['code']} at {'/'.join(map(str, item['path']))}"
        for item in findings
        if item["severity"] == ERROR
    ]
    assert errors == []


def test_every_rule_switched_off_says_why() -> None:
    lines = RULESET.read_text(encoding="utf-8").splitlines()
    unexplained = [
        line.strip()
        for number, line in enumerate(lines)
        if re.search(r":\s*off\s*$", line)
        and not lines[number - 1].strip().startswith("# ")
    ]
    reasons = [line for line in lines if line.strip().startswith("# Reason:")]
    assert unexplained == []
    assert reasons
