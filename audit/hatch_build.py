"""Hatch build hook: write the rule catalogue into the package before it is built.

In a checkout of the guideline's repository the catalogue is generated from the rule pages
(catalogue_source.py); building a wheel from the sdist reuses the file the sdist carries.
"""

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

HERE = Path(__file__).resolve().parent


class CatalogueHook(BuildHookInterface):  # type: ignore[misc]  # hatchling ships no types
    """Runs before every build target (sdist, wheel, editable)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        sys.path.insert(0, str(HERE))
        import catalogue_source  # noqa: PLC0415 - next to this file, found once the path is set

        if catalogue_source.available():
            catalogue_source.write_catalogue()
        elif not catalogue_source.PACKAGED.exists():
            raise RuntimeError(
                "fastapi-guideline: no rule catalogue. Build from a checkout of the guideline's "
                "repository, or from the sdist, which carries src/fastapi_guideline/rules.json."
            )
