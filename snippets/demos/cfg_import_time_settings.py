"""Anti-pattern: settings built at import time break every import without env vars."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings


# --8<-- [start:demo]
class Settings(BaseSettings):
    database_url: SecretStr
    jwt_secret: SecretStr


# At the end of app/core/config.py, as in the original: this runs on every
# `import`, so a unit test, a CLI or `alembic --help` without DATABASE_URL and
# JWT_SECRET dies with a ValidationError before doing anything.
settings = Settings()
# --8<-- [end:demo]
