"""A client generated from the published document types every JSON response.

openapi-python-client is what many readers will point at `openapi.json`; when
two schemas share a title it drops one, and every response of that type comes
back as untyped JSON. This generates the client and reads what it produced.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.contract.test_openapi_snapshot import _current_document

# Installed beside this interpreter (the dev group), or anywhere on PATH.
BESIDE = Path(sys.executable).with_name("openapi-python-client")
GENERATOR = str(BESIDE) if BESIDE.exists() else shutil.which("openapi-python-client")
JSON_TYPES = ("application/json", "application/problem+json")
# Not JSON, so no model to generate: NDJSON is parsed line by line by design.
NOT_JSON_WARNING = "Unsupported content_type application/x-ndjson"


def snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The client package and what the generator said while writing it."""
    assert GENERATOR, (
        "openapi-python-client is missing: install the dev group "
        "(pip install --group dev -e .)"
    )
    folder = tmp_path_factory.mktemp("client")
    document = folder / "openapi.json"
    document.write_text(json.dumps(_current_document()), encoding="utf-8")
    run = subprocess.run(  # noqa: S603  # our own document, a pinned tool
        [
            *(GENERATOR, "generate", "--path", str(document)),
            *("--output-path", str(folder / "client"), "--meta", "none"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return folder / "client", run.stdout + run.stderr


def json_responses() -> list[tuple[str, str]]:
    """(operationId, status) of every response the document says is JSON."""
    found = []
    for path in _current_document()["paths"].values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if any(kind in response.get("content", {}) for kind in JSON_TYPES):
                    found.append((operation["operationId"], status))
    return found


def test_the_generator_warns_only_about_the_ndjson_export(
    generated: tuple[Path, str],
) -> None:
    _, output = generated
    warnings = [line for line in output.splitlines() if "Cannot parse" in line]
    assert all(NOT_JSON_WARNING in line for line in warnings), output
    assert "Could not parse" not in output  # a schema it gave up on
    assert "Unable to" not in output


@pytest.mark.parametrize(("operation_id", "status"), json_responses())
def test_every_json_response_has_a_model(
    generated: tuple[Path, str], operation_id: str, status: str
) -> None:
    """The generated parser builds a model (`from_dict`), not `Any`."""
    client, _ = generated
    module = next((client / "api").glob(f"*/{snake(operation_id)}.py"))
    source = module.read_text(encoding="utf-8")
    parsed: Any = re.search(
        rf"status_code == {status}:\n\s+response_{status} = (.+)", source
    )
    assert parsed, f"{operation_id} {status}: no parser generated"
    assert ".from_dict(" in parsed.group(1), f"{operation_id} {status}: untyped"
