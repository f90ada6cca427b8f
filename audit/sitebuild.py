"""What the site publishes for the audit tool: the wheel, and the blocks of its docs page.

- `build_wheel(directory)`: `fastapi_guideline-<version>-py3-none-any.whl`, built with uv from
  this folder (its build hook writes the rule catalogue into it); the site serves it under
  `downloads/`.
- `rules_checked()`: rule ID -> the checks that enforce it, for the rule pages, the rules
  index and rules.json ("Checked by: audit `NAME`").
- `write_page_files(directory)`: the files `docs/audit.md` includes (pymdownx.snippets finds
  them under `.generated/audit/`): the install command with the wheel's URL, the GitHub
  Actions job, the pre-commit hook, the configuration, a waiver, and the list of checks per
  rule generated from the check registry.

Standard library only, so the site build can load it by path.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
DOWNLOADS = "downloads"
# Included by the page as they are, from docs/ (the Actions job gets the wheel's URL first).
VERBATIM = ("run.sh", "pre-commit-config.yaml", "pyproject-config.toml", "waiver_example.py")


def version() -> str:
    data = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def wheel_name() -> str:
    return f"fastapi_guideline-{version()}-py3-none-any.whl"


def wheel_url(site_url: str) -> str:
    """Where the site serves the wheel; `site_url` ends with a slash."""
    return f"{site_url}{DOWNLOADS}/{wheel_name()}"


def _uv() -> list[str]:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def build_wheel(directory: Path) -> Path:
    """Build the tool's wheel into `directory`; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [*_uv(), "build", "--wheel", "--quiet", "--out-dir", str(directory), str(HERE)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wheel = directory / wheel_name()
    if not wheel.is_file():
        raise FileNotFoundError(f"uv build wrote no {wheel.name} into {directory}")
    return wheel


def _on_path() -> None:
    """This folder and the package's source first on sys.path, as an uninstalled tool runs."""
    for path in (HERE, HERE / "src"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def rules_checked() -> dict[str, list[str]]:
    """Rule ID -> the names of the audit checks that enforce it (the site's "Checked by")."""
    _on_path()
    from fastapi_guideline.registry import rules_checked as checked  # noqa: PLC0415

    return checked()


def _catalogue() -> tuple[str, list[dict[str, Any]], dict[str, list[str]], dict[str, str]]:
    """Site URL, catalogue entries, rule -> checks, check -> kind (from the registry)."""
    _on_path()
    import catalogue_source  # noqa: PLC0415 - on the path now
    from fastapi_guideline.registry import all_checks, rules_checked  # noqa: PLC0415

    kinds: dict[str, str] = {name: check.kind for name, check in all_checks().items()}
    return catalogue_source.site_url(), catalogue_source.catalogue_entries(), rules_checked(), kinds


def checks_markdown() -> str:
    """The rules the audit checks (with their checks) and the live rules it leaves to reviewers."""
    _, entries, checked, kinds = _catalogue()
    live = [e for e in entries if e["status"] == "active"]
    rows = [
        "| Rule | Level | Checks |",
        "|---|---|---|",
    ]
    for entry in live:
        if entry["id"] in checked:
            names = ", ".join(f"`{n}` ({kinds[n]})" for n in checked[entry["id"]])
            rows.append(
                f"| [{entry['id']} · {entry['title']}]({entry['page']}#{entry['anchor']}) "
                f"| {entry['level']} | {names} |"
            )
    left = [e for e in live if e["id"] not in checked]
    summary = (
        f"{len(kinds)} checks cover {len(checked)} of the {len(live)} live rules; "
        f"{len(left)} are left to reviewers."
    )
    reviewers = [
        f"- [{e['id']} · {e['title']}]({e['page']}#{e['anchor']}) ({e['level']})" for e in left
    ]
    return "\n".join(
        [
            summary,
            "",
            *rows,
            "",
            "## Left to reviewers",
            "",
            "The audit checks none of these rules; a reviewer does.",
            "",
            *reviewers,
            "",
        ]
    )


def write_page_files(directory: Path) -> list[Path]:
    """Write the files docs/audit.md includes into `directory/audit/`; return them."""
    site_url, *_ = _catalogue()
    target = directory / "audit"
    target.mkdir(parents=True, exist_ok=True)
    url = wheel_url(site_url)
    texts = {
        "install.sh": f"pip install {url}\n",
        "github-actions.yml": (DOCS / "github-actions.yml")
        .read_text(encoding="utf-8")
        .replace("{wheel_url}", url),
        "checks.md": checks_markdown(),
        **{name: (DOCS / name).read_text(encoding="utf-8") for name in VERBATIM},
    }
    written = []
    for name, text in texts.items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")  # unchanged files keep live reload calm
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_page_files(
        Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / ".generated"
    ):
        sys.stdout.write(f"{written_path}\n")
