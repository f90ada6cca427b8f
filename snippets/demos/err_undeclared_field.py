"""Anti-pattern: a validator for a field the model never declares fails at import."""

# fmt: off
# --8<-- [start:demo]
from pydantic import BaseModel, PydanticUserError, field_validator

try:

    class ProfileCreate(BaseModel):
        username: str  # no `password` field is declared

        @field_validator("password")
        @classmethod
        def valid_password(cls, password: str) -> str:
            return password

except PydanticUserError as exc:
    print(exc.code)
    #> decorator-missing-field
# --8<-- [end:demo]
# fmt: on
