"""Where the audit's rule catalogue comes from: the one module that reads the guideline's sources.

The installed tool cannot read `docs/`, so the build writes `rules.json` into the package from
here (hatch_build.py). Each entry carries what a finding cites: the rule's ID, level, title,
status and short link, and what a waiver resolves: the rule a merged one went into. To take the
catalogue from elsewhere (the site's generated `rules.json`, another catalogue model), change
this module only.
"""

import re
import sys
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
_SITE_URL = re.compile(r"^site_url:\s*(?P<url>\S+)\s*$", re.M)


def available(repository: Path = REPOSITORY) -> bool:
    """True in a checkout of the guideline's repository (not in an unpacked sdist)."""
    return (repository / "docs" / "rules").is_dir() and (repository / "guidebook").is_dir()


def site_url(repository: Path = REPOSITORY) -> str:
    """The site's public root URL (mkdocs.yml `site_url`), with a trailing slash."""
    match = _SITE_URL.search((repository / "mkdocs.yml").read_text(encoding="utf-8"))
    if match is None:
        raise LookupError("mkdocs.yml has no site_url")
    url = match["url"].strip("'\"")
    return url if url.endswith("/") else url + "/"


def catalogue_entries(repository: Path = REPOSITORY) -> list[dict[str, Any]]:
    """Every rule of the catalogue as the audit cites it, in catalogue order."""
    if str(repository) not in sys.path:
        sys.path.insert(0, str(repository))
    from guidebook.links import short_path  # noqa: PLC0415 - the repository is on the path now
    from guidebook.rules import load_rules  # noqa: PLC0415

    base = site_url(repository)
    return [
        {
            "id": rule.id,
            "level": rule.level,
            "title": rule.title,
            "status": rule.status,  # active, merged or retired
            "merged_into": rule.merged_into,  # what a waiver naming a merged ID waives
            "short_url": base + short_path(rule.id),
            "page": rule.page,  # for the docs page's links; the tool itself never reads it
            "anchor": rule.anchor,
        }
        for rule in load_rules(repository / "docs" / "rules")
    ]


PACKAGED = Path(__file__).resolve().parent / "src" / "fastapi_guideline" / "rules.json"


def write_catalogue(target: Path = PACKAGED) -> Path:
    """Write rules.json (what the package ships) from the catalogue; return its path."""
    import json  # noqa: PLC0415 - only the build writes

    entries = catalogue_entries()
    target.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target
