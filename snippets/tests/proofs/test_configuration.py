"""Proofs of the Configuration and Secrets rules: the real Settings vs the Don'ts."""

import ast
import importlib
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_settings import BaseSettings

from app.core.config import Settings
from demos import (
    cfg_class_config,
    cfg_hardcoded_url,
    cfg_parse_env_by_hand,
    cfg_secret_repr,
)

ROOT = Path(__file__).resolve().parents[2]
URL = "postgresql+asyncpg://tasks:from-the-env@db.prod:5432/tasks"
SECRET = "k3y-0f-the-kingd0m-and-32-chars-long"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The process environment of a deployed service, and nothing else."""
    for name in list(os.environ):
        if name.startswith(("DATABASE_", "JWT_", "DOCS_", "ACCESS_", "DEBUG")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("JWT_SECRET", SECRET)
    return monkeypatch


def service_database_url() -> str:
    return Settings().database_url.get_secret_value()


def hardcoded_database_url() -> str:
    url: str = importlib.reload(cfg_hardcoded_url).DATABASE_URL
    return url


# --8<-- [start:cfg-001]
@pytest.mark.rule("CFG-001")
@pytest.mark.parametrize(
    ("read_url", "holds"),
    [(service_database_url, True), (hardcoded_database_url, False)],
    ids=["do", "dont"],
)
def test_cfg_001_configuration_comes_from_the_environment(
    *, environment: pytest.MonkeyPatch, read_url: Callable[[], str], holds: bool
) -> None:
    """The platform sets DATABASE_URL, and that is the URL the code uses."""
    assert (read_url() == URL) is holds


@pytest.mark.rule("CFG-001")
def test_cfg_001_env_example_lists_every_required_variable() -> None:
    """Each setting without a default is documented in .env.example."""
    documented = (ROOT / ".env.example").read_text(encoding="utf-8")
    required = [n for n, field in Settings.model_fields.items() if field.is_required()]
    assert required
    assert all(f"\n{name.upper()}=" in documented for name in required)


# --8<-- [end:cfg-001]


def service_reads_false(environment: pytest.MonkeyPatch) -> object:
    environment.setenv("DOCS_ENABLED", "false")
    return Settings().docs_enabled


def by_hand_reads_false(environment: pytest.MonkeyPatch) -> object:
    return cfg_parse_env_by_hand.debug  # parsed from {"DEBUG": "false"}


# --8<-- [start:cfg-002]
@pytest.mark.rule("CFG-002")
@pytest.mark.parametrize(
    ("read_flag", "holds"),
    [(service_reads_false, True), (by_hand_reads_false, False)],
    ids=["do", "dont"],
)
def test_cfg_002_false_in_the_environment_is_false(
    *,
    environment: pytest.MonkeyPatch,
    read_flag: Callable[[pytest.MonkeyPatch], object],
    holds: bool,
) -> None:
    """A switch set to "false" is off: a typed field parses it, bool() does not."""
    assert (read_flag(environment) is False) is holds


@pytest.mark.rule("CFG-002")
def test_cfg_002_a_bad_value_stops_the_start(environment: pytest.MonkeyPatch) -> None:
    """A TTL of "15m" fails when the settings are built, naming the variable."""
    environment.setenv("ACCESS_TOKEN_TTL", "15m")
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert raised.value.errors()[0]["loc"] == ("access_token_ttl",)


# --8<-- [end:cfg-002]


def v1_config_classes(path: Path) -> list[str]:
    """Classes that configure themselves with Pydantic v1's inner `class Config`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(item, ast.ClassDef) and item.name == "Config"
            for item in node.body
        )
    ]


# --8<-- [start:cfg-003]
@pytest.mark.rule("DEP-003")
@pytest.mark.parametrize(
    ("paths", "holds"),
    [
        (sorted((ROOT / "app").rglob("*.py")), True),
        ([Path(cfg_class_config.__file__)], False),
    ],
    ids=["do", "dont"],
)
def test_cfg_003_models_use_model_config(*, paths: list[Path], holds: bool) -> None:
    """No settings class or model carries an inner `class Config`."""
    assert (not any(v1_config_classes(path) for path in paths)) is holds


# --8<-- [end:cfg-003]


def import_without_environment(module: str) -> subprocess.CompletedProcess[str]:
    """Import a module in a fresh interpreter whose environment holds no setting."""
    environment = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # noqa: S603  # our own interpreter, fixed arguments
        [sys.executable, "-c", f"import {module}"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


# --8<-- [start:cfg-004]
@pytest.mark.rule("CFG-004")
@pytest.mark.parametrize(
    ("module", "holds"),
    [("app.main", True), ("demos.cfg_import_time_settings", False)],
    ids=["do", "dont"],
)
def test_cfg_004_importing_needs_no_environment(*, module: str, holds: bool) -> None:
    """`import` works without DATABASE_URL or JWT_SECRET; settings come later."""
    result = import_without_environment(module)
    assert (result.returncode == 0) is holds, result.stderr[-300:]
    assert ("ValidationError" in result.stderr) is not holds


# --8<-- [end:cfg-004]


def service_settings(secret: str) -> BaseModel:
    return Settings(database_url=SecretStr(URL), jwt_secret=SecretStr(secret))


def leaky_settings(secret: str) -> BaseModel:
    return cfg_secret_repr.LeakySettings(jwt_secret=secret)


# --8<-- [start:cfg-005]
@pytest.mark.rule("CFG-005")
@pytest.mark.parametrize(
    ("build", "holds"),
    [(service_settings, True), (leaky_settings, False)],
    ids=["do", "dont"],
)
def test_cfg_005_secrets_are_masked_wherever_settings_print(
    *,
    caplog: pytest.LogCaptureFixture,
    build: Callable[[str], BaseModel],
    holds: bool,
) -> None:
    """repr, str, JSON and a careless log line show the secret only as stars."""
    settings = build(SECRET)
    with caplog.at_level(logging.INFO):
        logging.getLogger("proof").info("starting with %s", settings)
    shown = [repr(settings), str(settings), settings.model_dump_json(), caplog.text]
    assert (not any(SECRET in text for text in shown)) is holds
    assert ("from-the-env" not in repr(settings)) is True  # the DSN's password too


# --8<-- [end:cfg-005]


# --8<-- [start:cfg-007]
@pytest.mark.rule("CFG-007")
@pytest.mark.parametrize(
    ("settings", "holds"),
    [(Settings, True), (cfg_class_config.Settings, False)],
    ids=["do", "dont"],
)
def test_cfg_007_the_service_reads_no_env_file(
    *, settings: type[BaseSettings], holds: bool
) -> None:
    """Settings read the process environment only; a stray .env changes nothing."""
    assert (settings.model_config.get("env_file") is None) is holds
    assert not (ROOT / ".env").exists()


# --8<-- [end:cfg-007]
