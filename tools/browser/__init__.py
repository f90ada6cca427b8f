"""The npm tools the site's browser checks use, installed from the pinned lock files here.

- `axe/`: axe-core, injected into every page by tests/test_accessibility.py;
- `lighthouse/`: Lighthouse (12.2.3: 13.x needs Node 22), run by `make bench` (bench/pages.py).

Each folder has a package.json with an exact version and its package-lock.json; the first use
runs `npm ci` there (node_modules/ is not committed). Without npm the caller gets an error that
says what to install, never a silent skip.
"""

import json
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE = HERE / "axe"
LIGHTHOUSE = HERE / "lighthouse"
INSTALL_TIMEOUT = 600


class NodeToolError(RuntimeError):
    """An npm tool is missing and could not be installed."""


def pinned(project: Path, package: str) -> str:
    """The exact version package.json asks for."""
    manifest = json.loads((project / "package.json").read_text(encoding="utf-8"))
    return str(manifest["dependencies"][package])


def installed_version(project: Path, package: str) -> str | None:
    """The version in node_modules, or None when it is not there."""
    manifest = project / "node_modules" / package / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def ensure(project: Path, package: str) -> Path:
    """Install the project's lock file unless the pinned version is already in node_modules."""
    if installed_version(project, package) != pinned(project, package):
        npm = shutil.which("npm")
        if npm is None:
            raise NodeToolError(
                f"{package} is not installed in {project} and npm is missing: install Node.js "
                "20 with npm (Debian: `sudo apt-get install nodejs npm`), then run again, or "
                f"run `npm ci` in {project} yourself."
            )
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise NodeToolError(f"`npm ci` failed in {project}:\n{done.stdout}{done.stderr}")
        found = installed_version(project, package)
        if found != pinned(project, package):
            raise NodeToolError(f"{project}: npm installed {package} {found}, not the pinned one")
    return project / "node_modules" / package


def axe_script() -> Path:
    """axe-core's browser build, ready for Playwright's `add_script_tag(path=...)`."""
    return ensure(AXE, "axe-core") / "axe.min.js"


def lighthouse_cli() -> Path:
    """Lighthouse's command-line entry point (run it with `node`)."""
    return ensure(LIGHTHOUSE, "lighthouse") / "cli" / "index.js"
