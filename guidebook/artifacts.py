"""The files the site publishes next to its pages, all generated from their sources.

| file | source |
|---|---|
| `llms.txt`, `guideline.md` | the rule catalogue and the rule pages (guidebook.llms) |
| `openapi.json` | the example app itself (guidebook.openapi) |
| `tasks-service.zip` | the files of `snippets/` that git would commit (guidebook.template) |
| `downloads/fastapi_guideline-*.whl` | the audit tool in `audit/` (audit/sitebuild.py) |

`write_artifacts()` is called twice in a MkDocs build, with the same result: by the macros
plugin's post-build step (so `mkdocs serve` has the files too) and by `guidebook.export` after
the build (so every build has them, Zensical's included, which runs no post-build step).
"""

from pathlib import Path
from typing import Any

from guidebook.catalogue import Catalogue, load
from guidebook.llms import GUIDELINE_MD, LLMS_TXT, guideline_markdown, llms_txt
from guidebook.openapi import OPENAPI_JSON, document, dumps
from guidebook.template import build_archive
from guidebook.versions import audit_tool


def write_artifacts(
    site: Path, openapi: dict[str, Any] | None = None, catalogue: Catalogue | None = None
) -> dict[str, Path]:
    """Write llms.txt, guideline.md, openapi.json and tasks-service.zip into a built site."""
    catalogue = catalogue or load()
    site.mkdir(parents=True, exist_ok=True)
    written = {
        LLMS_TXT: site / LLMS_TXT,
        GUIDELINE_MD: site / GUIDELINE_MD,
        OPENAPI_JSON: site / OPENAPI_JSON,
    }
    written[LLMS_TXT].write_text(llms_txt(catalogue.rules), encoding="utf-8")
    written[GUIDELINE_MD].write_text(guideline_markdown(catalogue), encoding="utf-8")
    written[OPENAPI_JSON].write_text(dumps(openapi or document()), encoding="utf-8")
    archive = build_archive(site)
    written[archive.name] = archive
    wheel = audit_tool().build_wheel(site / "downloads")  # the audit tool (docs/audit.md)
    written[wheel.name] = wheel
    return written
