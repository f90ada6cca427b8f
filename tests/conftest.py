"""Fixtures shared by the site's tests: one strict build of the site per run, exported once,
served once plainly and once like Netlify, and Chromium for the browser tests.

Run in parallel (`make test-site`: `pytest -n auto --dist loadfile`), the workers share the run's
one build and export: the first worker to ask makes them under a lock, the others wait and reuse
them. With loadfile a test module runs whole in one worker, so its module fixtures, such as the
Zensical build, are made once. (`--dist loadgroup` could spread the per-page browser modules
too, but pytest-xdist 3.8 ignores its groups under pytest 9.2: pytest-xdist#1386.)
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from guidebook import versions
from guidebook.export import export_site
from guidebook.links import catalogue
from guidebook.paths import ROOT
from guidebook.rules import Rule
from tests.browser import chromium, serve


@dataclass(frozen=True)
class Build:
    """A finished site build and everything it printed."""

    site: Path
    log: str


def _worker() -> str | None:
    """pytest-xdist's name for this worker (`gw0`, ...); None when the run is not parallel."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def pytest_configure(config: pytest.Config) -> None:
    """Write the footer naming this environment's versions before any page is expanded.

    Written once, by the main process: a worker writing it again could race another worker's
    build reading it.
    """
    if _worker() is None:
        versions.write()


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run that every worker sees (the run's temporary folder when serial)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if _worker() else base


@contextmanager
def run_lock(folder: Path, name: str) -> Iterator[None]:
    """Hold the run's lock `name` (one worker at a time; free when serial)."""
    with (folder / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def rules() -> list[Rule]:
    """The catalogue's rules, tombstones included, in page order: read once per run."""
    found = catalogue()
    assert found, "the catalogue holds no rule"
    return found


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Build the site once per run, strictly, into a temporary folder."""
    run = run_folder(tmp_path_factory)
    site, record = run / "site", run / "site-build.json"
    with run_lock(run, "site"):
        if not record.exists():
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
            done = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            result = {"returncode": done.returncode, "log": done.stdout + done.stderr}
            record.write_text(json.dumps(result), encoding="utf-8")
    built = json.loads(record.read_text(encoding="utf-8"))
    assert built["returncode"] == 0, f"mkdocs build --strict failed:\n{built['log']}"
    return Build(site=site, log=built["log"])


@pytest.fixture(scope="session")
def exported_site(site_build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The strict build plus what `make build` writes after mkdocs, exported once per run.

    Shared by every test that reads it: a test that writes into a built site takes
    `exported_copy` instead.
    """
    run = run_folder(tmp_path_factory)
    done = run / "site-exported"
    with run_lock(run, "site"):
        if not done.exists():
            export_site(site_build.site)
            done.touch()
    return site_build.site


@pytest.fixture
def exported_copy(exported_site: Path, tmp_path: Path) -> Path:
    """A copy of the exported site, for a test that writes into it."""
    return Path(shutil.copytree(exported_site, tmp_path / "site"))


@pytest.fixture(scope="session")
def plain_url(exported_site: Path) -> Iterator[str]:
    """The exported site on a plain static server (like `make serve` or any static host)."""
    with serve(exported_site) as url:
        yield url


@pytest.fixture(scope="session")
def netlify_url(exported_site: Path) -> Iterator[str]:
    """The exported site served with Netlify's headers (CSP included) and short-link 301s."""
    with serve(exported_site, netlify=True) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium for the module's tests, each of which opens its own context in it.

    Not one per run: Playwright's sync API keeps an event loop running in this thread while it
    is open, and the runnable blocks' `asyncio.run()` (tests/test_blocks.py) then fails.
    """
    with chromium() as launched:
        yield launched
