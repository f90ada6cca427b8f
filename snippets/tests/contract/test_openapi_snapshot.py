"""The OpenAPI document is pinned: changing it is a reviewed decision.

After an intended change, run `UPDATE_OPENAPI_SNAPSHOT=1 pytest tests/contract`,
review the diff of openapi.snapshot.json and commit it. The update run fails on
purpose, so CI can never refresh the snapshot silently.
"""

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.main import create_app
from tests.contract.breaking import breaking_changes, report

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
UPDATE_FLAG = "UPDATE_OPENAPI_SNAPSHOT"
MAX_DIFF_LINES = 200


def _current_document() -> dict[str, Any]:
    settings = Settings(
        # Building the document never connects: the URL only has to be valid.
        database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
        jwt_secret=SecretStr("snapshot-test-secret-with-32-characters"),
        docs_enabled=True,
    )
    # A JSON round trip turns tuples into lists, as in the committed file.
    document: dict[str, Any] = json.loads(json.dumps(create_app(settings).openapi()))
    return document


def _render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _diff(snapshot: dict[str, Any], current: dict[str, Any]) -> str:
    lines = list(
        difflib.unified_diff(
            _render(snapshot).splitlines(),
            _render(current).splitlines(),
            fromfile=SNAPSHOT.name,
            tofile="the app",
            lineterm="",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"... {len(lines) - MAX_DIFF_LINES} more"]
    return "\n".join(lines)


# --8<-- [start:snapshot]
def test_openapi_document_matches_snapshot() -> None:
    """The app's OpenAPI equals the snapshot; a change names what it breaks."""
    current = _current_document()
    if os.environ.get(UPDATE_FLAG) == "1":
        SNAPSHOT.write_text(_render(current), encoding="utf-8")
        pytest.fail(
            f"{SNAPSHOT.name} was updated: review and commit it, "
            f"then run again without {UPDATE_FLAG}=1.",
            pytrace=False,
        )
    assert SNAPSHOT.exists(), f"No snapshot yet: run once with {UPDATE_FLAG}=1."
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if current == snapshot:
        return
    changes = breaking_changes(snapshot, current)
    verdict = report(changes) if changes else "No breaking change (additions only)."
    pytest.fail(
        f"The OpenAPI document differs from {SNAPSHOT.name}.\n{verdict}\n"
        f"If the change is intended, run with {UPDATE_FLAG}=1 and commit.\n\n"
        f"{_diff(snapshot, current)}",
        pytrace=False,
    )


# --8<-- [end:snapshot]
