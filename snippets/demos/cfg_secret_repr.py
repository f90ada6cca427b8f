"""Fact: a secret in a plain str prints in reprs and logs; a SecretStr prints masked."""

# fmt: off
# --8<-- [start:demo]
from pydantic import BaseModel, SecretStr


class LeakySettings(BaseModel):
    jwt_secret: str


class MaskedSettings(BaseModel):
    jwt_secret: SecretStr


value = "k3y-0f-the-kingd0m"

print(LeakySettings(jwt_secret=value))  # what a log line or a traceback shows
#> jwt_secret='k3y-0f-the-kingd0m'
print(MaskedSettings(jwt_secret=SecretStr(value)))
#> jwt_secret=SecretStr('**********')
# --8<-- [end:demo]
# fmt: on
