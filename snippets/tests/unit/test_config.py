"""Settings: required secrets, bounds and parsing from the environment."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from app.core.config import Settings, get_settings

URL = "postgresql+asyncpg://u:p@localhost/db"
SECRET = "x" * 32


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("JWT_SECRET", SECRET)
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("REFRESH_TOKEN_TTL", "P30D")
    get_settings.cache_clear()

    settings = get_settings()

    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.refresh_token_ttl == timedelta(days=30)
    assert settings.access_token_ttl == timedelta(minutes=15)
    assert settings.log_level == "INFO"
    assert not settings.docs_enabled
    assert get_settings() is settings  # cached
    assert SECRET not in repr(settings)
    assert "u:p" not in repr(settings)
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "overrides",
    [
        {"refresh_token_ttl": timedelta(days=6)},
        {"refresh_token_ttl": timedelta(days=31)},
        {"database_url": "postgresql://u:p@localhost/db"},  # sync driver
        {"jwt_secret": "too-short"},
        {"access_token_ttl": timedelta(days=30)},  # SEC-002: at most 15 minutes
        {"access_token_ttl": timedelta(0)},
        {"cors_origins": "*"},  # SEC-001: never a wildcard
        {"cors_origins": "https://app.example.com,null"},
        {"cors_origins": "app.example.com"},  # an origin has a scheme
        {"cors_origins": "https://app.example.com/path"},  # and no path
        {"db_statement_timeout": timedelta(0)},  # 0 turns PostgreSQL's off
        {"db_lock_timeout": timedelta(seconds=-1)},
        {"db_idle_in_transaction_timeout": timedelta(0)},
    ],
)
def test_unsafe_settings_are_refused(overrides: dict[str, object]) -> None:
    """Values that break a rule fail at start-up, not in production (CFG-002)."""
    values: dict[str, object] = {"database_url": URL, "jwt_secret": SECRET}
    with pytest.raises(ValidationError):
        Settings.model_validate(values | overrides)
