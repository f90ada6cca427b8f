"""The library versions every page states it was verified with, read from this environment.

The site is built in the virtual environment the tests run in, so the versions written here are
the ones the code blocks were verified with. pymdownx.snippets appends the file to every page.
"""

import platform
from importlib.metadata import version

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


def write() -> None:
    """Write the footer if it is missing or different (an unchanged file keeps live reload calm)."""
    GENERATED.mkdir(exist_ok=True)
    text = footer()
    if not FOOTER.exists() or FOOTER.read_text(encoding="utf-8") != text:
        FOOTER.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
