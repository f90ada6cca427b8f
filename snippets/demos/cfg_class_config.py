"""Anti-pattern: Pydantic v1's inner `class Config`, deprecated since Pydantic 2.0."""

# fmt: off
# --8<-- [start:demo]
import warnings

from pydantic_settings import BaseSettings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")

    class Settings(BaseSettings):
        app_name: str = "tasks-service"

        class Config:  # v1 style; Pydantic 3 removes it
            env_file = ".env"


print(caught[0].category.__name__)
#> PydanticDeprecatedSince20
# --8<-- [end:demo]
# fmt: on
