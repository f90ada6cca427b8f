"""The tool as a new user gets it: the wheel the site publishes, installed with the command the
docs page shows, into a clean virtual environment that holds only the tool's dependencies and
the audited project's, then run on a sample service.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import catalogue_source
import sitebuild

SAMPLE = """\
import time

from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/tasks", status_code=200, summary="Tasks", description="Tasks.", tags=["tasks"])
    async def tasks() -> list[str]:
        time.sleep(0.01)
        return []

    return app
"""


def uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        pytest.fail(
            "the wheel test needs uv: pip install uv (the site's test dependencies have it)"
        )
    return found


def clean_environment() -> dict[str, str]:
    """This shell without our Python: no PYTHONPATH, no active virtual environment.

    The machine's network settings (certificates, proxies, package indexes) stay.
    """
    ours = str(Path(sys.executable).parent)
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != ours)
    return env


def test_the_documented_install_command_installs_a_working_tool(tmp_path: Path) -> None:
    site = tmp_path / "site"
    wheel = sitebuild.build_wheel(site / sitebuild.DOWNLOADS)
    [install] = (sitebuild.write_page_files(tmp_path / "generated")[0]).read_text().splitlines()
    assert install == f"pip install {sitebuild.wheel_url(catalogue_source.site_url())}"
    # The page's command, with the site's address replaced by the locally built site.
    command = install.replace(catalogue_source.site_url(), site.as_uri() + "/").split()
    assert Path(command[-1].removeprefix("file://")) == wheel

    venv = tmp_path / "venv"
    env = clean_environment()
    subprocess.run(
        [uv(), "venv", "--seed", "--quiet", "--python", sys.executable, str(venv)],
        check=True,
        env=env,
        timeout=300,
    )
    bin_ = venv / "bin"
    # The audited project's own dependency, then the tool exactly as the page says.
    subprocess.run(
        [uv(), "pip", "install", "--quiet", "--python", str(bin_ / "python"), "fastapi"],
        check=True,
        env=env,
        timeout=600,
    )
    subprocess.run(
        [str(bin_ / command[0]), *command[1:], "--quiet"], check=True, env=env, timeout=600
    )

    project = tmp_path / "service"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "main.py").write_text(SAMPLE)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "service"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["fastapi>=0.110,<1"]\n\n'
        '[tool.fastapi-guideline]\napp = "app.main:create_app"\n'
    )
    done = subprocess.run(
        [str(bin_ / "fastapi-guideline"), "audit", str(project), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert not report["errors"], report["errors"]
    rules = {f["rule"] for f in report["findings"]}
    assert {"EXT-006", "DOC-001", "PAGE-001", "SEC-005", "ERR-001"} <= rules, rules
    assert all(f["url"].startswith(catalogue_source.site_url() + "r/") for f in report["findings"])
    installed = subprocess.run(
        [str(bin_ / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    names = {p["name"].lower() for p in json.loads(installed)}
    assert "fastapi-guideline" in names and "tasks-service" not in names
    print(f"\nclean venv: {len(names)} packages; sample audit: {len(report['findings'])} findings")
