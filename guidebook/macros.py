"""Build-time content for the pages that opt in (`render_macros: true` in their front matter).

Loaded by the `macros` plugin (mkdocs-macros-plugin under MkDocs; Zensical implements the same
plugin natively, so both builds render these pages the same way). Only pages that ask for it
are rendered: Jinja never touches a rule page or an included code block.

- `openapi_reference()`: the example service's HTTP API, rendered from the OpenAPI document the
  app produces (guidebook.openapi): headings and tables, no JavaScript.
- `template_facts()`: the file count and size of `tasks-service.zip`, measured, not typed.
- `rules_index()`: every rule of the catalogue in one table (guidebook.rules_index).
- `rule_changes()`: the history of every rule, newest first (guidebook.changelog_page).
- `rule_evidence()`, `rule_errata()`: what proves each rule and every departure from the
  original (guidebook.evidence).
- `on_post_build`: writes `/openapi.json`, `/llms.txt`, `/guideline.md` and `/tasks-service.zip`
  into the site that MkDocs just built, so `mkdocs serve` serves them too. (Zensical does not
  call it; `guidebook.export` writes the same files after any build.)
"""

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # the plugin loads this file by path, not as guidebook.macros
    sys.path.insert(0, str(_ROOT))

from guidebook.changelog_page import rule_changes  # noqa: E402 - after the path fix above
from guidebook.evidence import rule_errata, rule_evidence  # noqa: E402
from guidebook.openapi import document, render  # noqa: E402
from guidebook.rules_index import rules_index  # noqa: E402
from guidebook.template import build_archive, template_files  # noqa: E402

_STATE: dict[str, Any] = {}  # one build's OpenAPI document, shared with on_post_build


class MacrosEnv(Protocol):
    """What this module uses of the plugin's environment (MkDocs' or Zensical's)."""

    conf: Any

    def macro(self, function: Callable[[], str], name: str = "") -> Callable[[], str]: ...


def _openapi() -> dict[str, Any]:
    if "openapi" not in _STATE:
        _STATE["openapi"] = document()
    doc: dict[str, Any] = _STATE["openapi"]
    return doc


def openapi_reference() -> str:
    """The operations and schemas of the example service, as Markdown."""
    return render(_openapi())


def template_facts() -> str:
    """`N files, X kB`: what the template archive holds, measured now."""
    with tempfile.TemporaryDirectory() as directory:
        size = build_archive(Path(directory)).stat().st_size
    return f"{len(template_files())} files, {round(size / 1024)} kB"


def define_env(env: MacrosEnv) -> None:
    """Register the macros; a new build starts from a fresh OpenAPI document."""
    _STATE.clear()
    env.macro(openapi_reference)
    env.macro(template_facts)
    env.macro(rules_index)
    env.macro(rule_changes)
    env.macro(rule_evidence)
    env.macro(rule_errata)


def on_post_build(env: MacrosEnv) -> None:
    """Write the generated files into the site MkDocs just built (`build` and `serve`)."""
    from guidebook.artifacts import write_artifacts  # noqa: PLC0415 - only MkDocs calls this

    write_artifacts(Path(env.conf["site_dir"]), openapi=_openapi())
