"""Where things live in the repository; every other module asks here."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RULE_PAGES = DOCS / "rules"
SNIPPETS = ROOT / "snippets"
MKDOCS_YML = ROOT / "mkdocs.yml"
REGISTRY = Path(__file__).resolve().parent / "registry.txt"
