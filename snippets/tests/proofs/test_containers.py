"""Proofs of the Containerization rules: the example's Dockerfile, compose, probes."""

import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.config import Settings
from app.core.logging import StdoutHandler, configure_logging
from app.main import create_app
from demos import ops_denylist_context, ops_file_logging, ops_liveness_checks_db
from tests.app_client import app_client

SNIPPETS = Path(__file__).resolve().parents[2]
DOCKERFILE = (SNIPPETS / "Dockerfile").read_text()
ROOT_IMAGE = (SNIPPETS / "demos/ops_root_image.Dockerfile").read_text()
HADOLINT = Path(sys.executable).with_name("hadolint")
SECRETS = ("DATABASE_URL", "JWT_SECRET", "POSTGRES_PASSWORD")


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lines = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    pairs = [line.strip().split(maxsplit=1) for line in joined.splitlines()]
    return [(pair[0].upper(), pair[1]) for pair in pairs if len(pair) == 2]


def final_stage(dockerfile: str) -> list[tuple[str, str]]:
    steps = instructions(dockerfile)
    start = max(i for i, (name, _) in enumerate(steps) if name == "FROM")
    return steps[start:]


def hadolint(dockerfile: str) -> set[str]:
    """The rule codes hadolint reports, its inline ignores switched off."""
    result = subprocess.run(  # noqa: S603  # our own binary, fixed arguments
        [str(HADOLINT), "--no-color", "--disable-ignore-pragma", "--format=json", "-"],
        input=dockerfile,
        capture_output=True,
        text=True,
        check=False,
    )
    return {finding["code"] for finding in json.loads(result.stdout)}


def builds_in_two_stages(dockerfile: str) -> bool:
    froms = [args for name, args in instructions(dockerfile) if name == "FROM"]
    copies = [args for name, args in final_stage(dockerfile) if name == "COPY"]
    return len(froms) >= 2 and any(a.startswith("--from=") for a in copies)


# --8<-- [start:ops-001]
@pytest.mark.rule("OPS-001")
@pytest.mark.parametrize(
    ("dockerfile", "holds"),
    [(DOCKERFILE, True), (ROOT_IMAGE, False)],
    ids=["do", "dont"],
)
def test_the_runtime_stage_gets_only_the_built_environment(
    *, dockerfile: str, holds: bool
) -> None:
    """A builder stage installs; the runtime stage copies its result from it."""
    assert builds_in_two_stages(dockerfile) is holds


# --8<-- [end:ops-001]


def base_image(dockerfile: str) -> str:
    _, args = final_stage(dockerfile)[0]
    return args.split()[0]


# --8<-- [start:ops-002]
@pytest.mark.rule("OPS-002")
@pytest.mark.parametrize(
    ("dockerfile", "holds"),
    [(DOCKERFILE, True), (ROOT_IMAGE, False)],
    ids=["do", "dont"],
)
def test_the_runtime_base_is_minimal_and_pinned(
    *, dockerfile: str, holds: bool
) -> None:
    """A slim, distroless or micro image with a version in its tag; hadolint agrees."""
    image = base_image(dockerfile)
    minimal = re.search(r"slim|distroless|micro", image) is not None
    pinned = re.search(r":\d+(\.\d+)*", image) is not None
    assert (minimal and pinned) is holds
    assert ("DL3007" not in hadolint(dockerfile)) is holds  # "latest" is no pin


# --8<-- [end:ops-002]


def runs_as_non_root(dockerfile: str) -> bool:
    users = [args for name, args in final_stage(dockerfile) if name == "USER"]
    uid = users[-1].split(":")[0] if users else "0"
    return uid.isdigit() and int(uid) > 0


# --8<-- [start:ops-003]
@pytest.mark.rule("OPS-003")
@pytest.mark.parametrize(
    ("dockerfile", "holds"),
    [(DOCKERFILE, True), (ROOT_IMAGE, False)],
    ids=["do", "dont"],
)
def test_the_process_runs_as_a_numeric_non_root_user(
    *, dockerfile: str, holds: bool
) -> None:
    """The last USER of the image is a fixed UID other than 0; hadolint agrees."""
    assert runs_as_non_root(dockerfile) is holds
    assert ("DL3002" not in hadolint(dockerfile)) is holds


@pytest.mark.rule("OPS-003")
def test_the_whole_dockerfile_lints_clean() -> None:
    """hadolint finds nothing in the example's Dockerfile, with no rule ignored."""
    assert hadolint(DOCKERFILE) == set()


# --8<-- [end:ops-003]


def secret_values(compose: dict[str, dict[str, dict[str, object]]]) -> list[str]:
    return [
        str(value)
        for service in compose["services"].values()
        for name, value in dict(service.get("environment", {})).items()  # type: ignore[call-overload]  # YAML: any mapping
        if name in SECRETS
    ]


def load_compose(name: str) -> dict[str, dict[str, dict[str, object]]]:
    loaded: dict[str, dict[str, dict[str, object]]] = yaml.safe_load(
        (SNIPPETS / name).read_text()
    )
    return loaded


# --8<-- [start:ops-004]
@pytest.mark.rule("CFG-001")
@pytest.mark.parametrize(
    ("compose_file", "holds"),
    [("compose.yml", True), ("demos/ops_compose_secrets.yaml", False)],
    ids=["do", "dont"],
)
def test_secrets_come_from_the_environment(*, compose_file: str, holds: bool) -> None:
    """Every secret is `${VAR:?...}`: read from outside, and required."""
    values = secret_values(load_compose(compose_file))
    assert values
    assert all("${" in value and ":?" in value for value in values) is holds


@pytest.mark.rule("CFG-001")
def test_the_image_holds_no_configuration() -> None:
    """The Dockerfile sets no setting of the service, secret or not."""
    settings = {name.upper() for name in Settings.model_fields}
    env = " ".join(args for name, args in instructions(DOCKERFILE) if name == "ENV")
    assert not {name for name in settings if re.search(rf"\b{name}=", env)}


# --8<-- [end:ops-004]

KEEP_OUT = [".env", ".git/config", ".venv/bin/python", "tests/conftest.py", "dump.sql"]


# --8<-- [start:ops-005]
@pytest.mark.rule("OPS-005")
@pytest.mark.parametrize(
    ("dockerignore", "holds"),
    [
        ((SNIPPETS / ".dockerignore").read_text(), True),
        (ops_denylist_context.DOCKERIGNORE, False),
    ],
    ids=["do", "dont"],
)
def test_only_what_the_image_needs_reaches_the_builder(
    *, dockerignore: str, holds: bool
) -> None:
    """Secrets, history, tests and files nobody listed stay out; the code gets in."""
    reaches = ops_denylist_context.reaches_context
    assert reaches("app/main.py", dockerignore)
    assert (not any(reaches(path, dockerignore) for path in KEEP_OUT)) is holds


# --8<-- [end:ops-005]

DATABASE_DOWN = Settings(
    database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:9/none"),
    jwt_secret=SecretStr("x" * 32),
    environment="test",
)


async def status_of(app: FastAPI, path: str) -> int:
    async with app_client(app, raise_app_exceptions=False) as client:
        return (await client.get(path)).status_code


async def database_is_down() -> None:
    raise ConnectionRefusedError


# --8<-- [start:ops-006]
@pytest.mark.rule("OPS-006")
async def test_liveness_survives_a_database_outage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the database unreachable, /healthz stays 200 and /readyz says 503."""
    # Do: the service's probes, with nothing listening at its database's port.
    assert await status_of(create_app(DATABASE_DOWN), "/healthz") == 200
    assert await status_of(create_app(DATABASE_DOWN), "/readyz") == 503
    # Don't: its liveness probe fails too, so every pod would be restarted.
    monkeypatch.setattr(ops_liveness_checks_db, "open_session", database_is_down)
    assert await status_of(ops_liveness_checks_db.app, "/healthz") == 500


# --8<-- [end:ops-006]


def service_logging() -> None:
    configure_logging("INFO")


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Put the root logger's handlers back after a test added some."""
    before = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers:
        if handler not in before and not isinstance(handler, StdoutHandler):
            logging.getLogger().removeHandler(handler)
            handler.close()


# --8<-- [start:ops-007]
@pytest.mark.rule("OBS-001")
@pytest.mark.parametrize(
    ("configure", "holds"),
    [(service_logging, True), (ops_file_logging.configure_logging, False)],
    ids=["do", "dont"],
)
@pytest.mark.usefixtures("root_handlers")
def test_logs_go_to_stdout_never_to_a_file(
    *, configure: Callable[[], None], holds: bool
) -> None:
    """The handlers the logging set-up installs write to stdout, never to a file."""
    before = set(logging.getLogger().handlers)  # pytest's own capture among them
    configure()
    added = [h for h in logging.getLogger().handlers if h not in before]
    assert (not any(isinstance(h, logging.FileHandler) for h in added)) is holds


@pytest.mark.rule("OBS-001")
def test_the_image_writes_unbuffered_and_skips_uvicorns_text_log() -> None:
    """PYTHONUNBUFFERED=1 in the runtime stage; uvicorn's access log is off."""
    stage = final_stage(DOCKERFILE)
    env = " ".join(args for name, args in stage if name == "ENV")
    command = json.loads(next(args for name, args in stage if name == "CMD"))
    assert "PYTHONUNBUFFERED=1" in env
    assert "--no-access-log" in command


# --8<-- [end:ops-007]
