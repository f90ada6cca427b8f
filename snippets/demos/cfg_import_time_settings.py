"""Anti-pattern: settings built at import time break every import without env vars."""

# fmt: off
# --8<-- [start:demo]
from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_CFG_")  # never set anywhere

    database_url: str


# app/core/config.py, written as `settings = Settings()` at module level:
try:
    settings = Settings()  # runs on every `import app.core.config`
except ValidationError as exc:
    # A unit test, a CLI or `alembic --help` dies here before doing anything.
    print(exc.error_count(), exc.errors()[0]["loc"], exc.errors()[0]["type"])
    #> 1 ('database_url',) missing
# --8<-- [end:demo]
# fmt: on
