"""Don't: a password in a plain str field, printed by the model's repr."""

# fmt: off
# --8<-- [start:demo]
from pydantic import BaseModel


class LoginAttempt(BaseModel):
    email: str
    password: str  # a plain str: every repr, log line and traceback shows it


attempt = LoginAttempt(email="ada@example.com", password="hunter2")  # noqa: S106  # a demo value
print(f"login failed: {attempt!r}")
#> login failed: LoginAttempt(email='ada@example.com', password='hunter2')
# --8<-- [end:demo]
# fmt: on
