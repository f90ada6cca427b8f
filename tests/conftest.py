"""Fixtures shared by the site's tests: one strict build of the site per run."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from guidebook import versions
from guidebook.paths import ROOT


@dataclass(frozen=True)
class Build:
    """A finished site build and everything it printed."""

    site: Path
    log: str


def pytest_configure(config: pytest.Config) -> None:
    """Write the footer naming this environment's versions before any page is expanded."""
    versions.write()


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Build the site once, strictly, into a temporary folder."""
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    return Build(site=site, log=log)
