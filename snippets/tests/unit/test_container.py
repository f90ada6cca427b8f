"""The Dockerfile, compose.yml and .env.example agree with Settings and routes.

No Docker engine exists where these tests run, so the files are parsed, not
built: names, ports, paths and commands are checked against the app itself.
"""

import re
import shlex
from pathlib import Path

import yaml
from pydantic import SecretStr

from app.core.config import Settings
from app.main import create_app
from app.worker.config import WorkerSettings

SNIPPETS = Path(__file__).resolve().parents[2]
DOCKERFILE = (SNIPPETS / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((SNIPPETS / "compose.yml").read_text(encoding="utf-8"))
FIELDS = {name.upper() for name in Settings.model_fields}
WORKER_FIELDS = {name.upper() for name in WorkerSettings.model_fields}
REQUIRED = {
    name.upper() for name, field in Settings.model_fields.items() if field.is_required()
}


def instruction(name: str) -> str:
    """The text of the last Dockerfile instruction `name`, continuations joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    found = re.findall(rf"^{name}\s+(.+)$", joined, flags=re.MULTILINE)
    assert found, f"no {name} in the Dockerfile"
    return str(found[-1])


def app_paths() -> set[str]:
    settings = Settings(
        database_url=SecretStr("postgresql+asyncpg://u@localhost/db"),
        jwt_secret=SecretStr("x" * 32),
    )
    return set(create_app(settings).openapi()["paths"])


def test_compose_environment_names_are_settings_fields() -> None:
    """Every variable compose sets is read by Settings; the required ones are set."""
    environment = set(COMPOSE["services"]["app"]["environment"])

    assert environment <= FIELDS, environment - FIELDS
    assert environment >= REQUIRED
    assert (
        COMPOSE["services"]["migrate"]["environment"]
        == (COMPOSE["services"]["app"]["environment"])
    )


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    lines = (SNIPPETS / ".env.example").read_text(encoding="utf-8").splitlines()
    names = {line.split("=")[0] for line in lines if line and not line.startswith("#")}

    assert names == FIELDS | WORKER_FIELDS


def test_the_worker_and_the_purge_get_only_what_they_read() -> None:
    """Worker settings only (no JWT secret), the same image, their own commands."""
    services = COMPOSE["services"]
    for name, command in [("worker", []), ("purge", ["purge"])]:
        environment = set(services[name]["environment"])
        assert environment <= WORKER_FIELDS, environment - WORKER_FIELDS
        assert "JWT_SECRET" not in environment
        assert services[name]["command"] == ["python", "-m", "app.worker", *command]
        assert services[name]["image"] == services["app"]["image"]


def test_ports_agree_across_cmd_expose_healthcheck_and_compose() -> None:
    """uvicorn's --port is exposed, probed by HEALTHCHECK and published by compose."""
    command = shlex.split(instruction("CMD").replace('", "', " ").strip('[]"'))
    port = command[command.index("--port") + 1]
    published = COMPOSE["services"]["app"]["ports"][0]

    assert instruction("EXPOSE") == port
    assert f"127.0.0.1:{port}/healthz" in instruction("HEALTHCHECK")
    assert published.endswith(f":{port}")


def test_healthcheck_probes_a_route_the_app_serves() -> None:
    """The liveness path exists, and so does the readiness one."""
    probed = re.search(r"127\.0\.0\.1:\d+(/\w+)", instruction("HEALTHCHECK"))

    assert probed is not None
    assert {probed.group(1), "/readyz", "/metrics"} <= app_paths()


def test_image_runs_as_non_root_and_ships_migrations() -> None:
    """A numeric non-root USER; compose migrates with the same image first."""
    user = instruction("USER").split(":")[0]
    migrate = COMPOSE["services"]["migrate"]

    assert user.isdigit()
    assert int(user) != 0
    assert "COPY migrations ./migrations" in DOCKERFILE
    assert "COPY alembic.ini ./" in DOCKERFILE
    assert migrate["command"] == ["alembic", "upgrade", "head"]
    condition = COMPOSE["services"]["app"]["depends_on"]["migrate"]["condition"]
    assert condition == "service_completed_successfully"
