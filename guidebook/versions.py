"""The library versions every page states it was verified with, read from this environment.

The site is built in the virtual environment the tests run in, so the versions written here are
the ones the code blocks were verified with. pymdownx.snippets appends the file to every page.
"""

import importlib.util
import platform
from importlib.metadata import version
from types import ModuleType

from guidebook.paths import ROOT

GENERATED = ROOT / ".generated"
FOOTER = GENERATED / "verified-with.md"
LIBRARIES = {
    "FastAPI": "fastapi",
    "Pydantic": "pydantic",
    "SQLAlchemy": "sqlalchemy",
    "HTTPX": "httpx",
}


def footer() -> str:
    """One line naming the versions, for the foot of every page."""
    named = ", ".join(f"{name} {version(package)}" for name, package in LIBRARIES.items())
    return (
        "\n\n---\n\n"
        f"Code on this page verified with {named} on Python {platform.python_version()}.\n"
        "{ .verified-with }\n"
    )


def audit_tool() -> ModuleType:
    """audit/sitebuild.py (the audit tool's wheel and docs page files), loaded by path."""
    path = ROOT / "audit" / "sitebuild.py"
    spec = importlib.util.spec_from_file_location("audit_sitebuild", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write() -> None:
    """Write the footer if it is missing or different (an unchanged file keeps live reload calm)."""
    GENERATED.mkdir(exist_ok=True)
    text = footer()
    if not FOOTER.exists() or FOOTER.read_text(encoding="utf-8") != text:
        FOOTER.write_text(text, encoding="utf-8")
    audit_tool().write_page_files(GENERATED)  # the blocks docs/audit.md includes


if __name__ == "__main__":
    write()
