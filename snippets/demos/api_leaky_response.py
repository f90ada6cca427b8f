"""Anti-pattern: returning the stored row as-is sends fields clients must not see."""

# fmt: off
# --8<-- [start:demo]
from dataclasses import asdict, dataclass

from pydantic import BaseModel


@dataclass
class UserRow:
    id: int
    email: str
    password_hash: str


class UserRead(BaseModel):
    id: int
    email: str


row = UserRow(7, "ada@example.com", "$argon2id$v=19$...")

print(asdict(row))  # what a route returning the row's fields sends
#> {'id': 7, 'email': 'ada@example.com', 'password_hash': '$argon2id$v=19$...'}
print(UserRead.model_validate(row, from_attributes=True).model_dump())
#> {'id': 7, 'email': 'ada@example.com'}
# --8<-- [end:demo]
# fmt: on
