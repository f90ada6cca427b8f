"""Importing the audited service as on-call would meet it: it prints, exits, hangs, or leaves
threads behind. The audit's own report and exit status must survive each of these.

The command line runs as a user runs it (a fresh process), in its own session, so a hung
audit is killed with everything it forked.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy

from fastapi_guideline import dynamic
from fastapi_guideline.config import Options
from fastapi_guideline.registry import Hit, all_checks
from fastapi_guideline.runner import audit

SRC = Path(__file__).resolve().parent.parent / "src"
LIMIT = 120  # seconds before the test gives up on the audit (a hang is the defect)
APP = """\
from fastapi import FastAPI


def create_app() -> FastAPI:
    return FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
"""


def service(tmp_path: Path, name: str, code: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "svc"\nversion = "1"\nrequires-python = ">=3.11"\n'
    )
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(code))
    return tmp_path


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m fastapi_guideline audit ROOT ARGS` in a new session, killed whole on timeout."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    with subprocess.Popen(
        [sys.executable, "-m", "fastapi_guideline", "audit", str(root), *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the audit and its forked app phase
            process.communicate()
            pytest.fail(f"the audit did not finish within {LIMIT} s")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_an_app_that_prints_leaves_the_json_report_intact(tmp_path: Path) -> None:
    code = 'print("hello from import")\n' + APP.replace(
        "    return", '    print("hello from factory")\n    return'
    )
    done = cli(
        service(tmp_path, "printer", code), "--app", "printer:create_app", "--format", "json"
    )
    report = json.loads(done.stdout)  # the app's output would make this invalid JSON
    assert not report["errors"], report["errors"]
    assert {f["check"] for f in report["findings"]} >= {"HEALTH-ROUTES", "SECURITY-HEADERS"}
    assert "hello from import" in done.stderr and "hello from factory" in done.stderr


def test_an_app_that_exits_at_import_is_an_error_with_its_status(tmp_path: Path) -> None:
    done = cli(service(tmp_path, "exiter", "import sys\n\nsys.exit(3)\n"), "--app", "exiter:app")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SystemExit: 3" in done.stdout, done.stdout


def test_an_app_that_exits_at_import_in_process_is_an_error(tmp_path: Path) -> None:
    """Without the forked child (one core, or a library caller), sys.exit(0) ended the audit."""
    root = service(tmp_path, "quitter", "import sys\n\nsys.exit(0)\n")
    result = audit(root, root, Options(app="quitter:app"))
    assert any("SystemExit: 0" in e for e in result.errors), result.errors


def test_an_app_import_that_hangs_is_stopped_after_the_timeout(tmp_path: Path) -> None:
    root = service(tmp_path, "hanger", "import time\n\ntime.sleep(3600)\n")
    done = cli(root, "--app", "hanger:app", "--app-timeout", "3")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "did not finish within 3 s" in done.stdout, done.stdout


def test_a_thread_the_app_leaves_running_does_not_hold_the_audit(tmp_path: Path) -> None:
    code = "import threading\nimport time\n\n"
    code += "threading.Thread(target=time.sleep, args=(3600,)).start()\n"
    done = cli(service(tmp_path, "threader", code + APP), "--app", "threader:create_app")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[HEALTH-ROUTES]" in done.stdout


def _explode(*args: object) -> Iterator[Hit]:
    raise RuntimeError("boom")


def test_a_check_that_fails_loses_only_its_own_findings(tmp_path: Path) -> None:
    root = service(tmp_path, "plain", APP)
    checks = [
        replace(c, run=_explode) if c.name == "SECURITY-HEADERS" else c
        for c in all_checks().values()
    ]
    done = dynamic.run(Options(app="plain:create_app"), root, {root / "plain.py"}, checks)
    assert "HEALTH-ROUTES" in {name for name, hits in done.hits if hits}
    assert done.errors == ["check SECURITY-HEADERS failed: RuntimeError: boom"]


def test_model_checks_run_on_sqlalchemy_without_uuid(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLAlchemy 1.4 has no sqlalchemy.Uuid: the model phase crashed, the app's findings lost."""
    corpus = Path(__file__).resolve().parent / "corpus"
    monkeypatch.delattr(sqlalchemy, "Uuid")
    result = audit(corpus / "shop", corpus, Options(models=["shop.orders.models"]))
    assert not result.errors, result.errors
    assert "REFERENCE-WITHOUT-FOREIGN-KEY" in {f.check for f in result.findings}


HANGING_ROUTE = """\
import asyncio

from fastapi import FastAPI

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/api/v1/{path:path}")
async def hang(path: str) -> dict[str, str]:
    await asyncio.Event().wait()  # never answers
    return {}
"""


def test_a_route_that_never_answers_loses_only_its_probes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A catch-all route that awaits for ever: each probe has its own deadline, so
    # the app phase ends and the route checks still report.
    from fastapi_guideline.checks import probes  # noqa: PLC0415

    monkeypatch.setattr(probes, "PROBE_SECONDS", 0.2)
    root = service(tmp_path, "hanging", HANGING_ROUTE)
    result = audit(root, root, Options(app="hanging:app"))
    assert not result.errors, result.errors
    assert any(f.check == "ROUTE-SUMMARY" for f in result.findings)
