"""Do: a response schema that lists the fields the client needs, nothing else."""

# fmt: off
# --8<-- [start:demo]
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict


@dataclass
class UserRow:
    """Stands in for the ORM row."""

    id: int
    display_name: str
    email: str
    birth_date: date
    password_hash: str


class AssigneeRead(BaseModel):
    """What another user may see of a task's assignee."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    display_name: str


row = UserRow(7, "Ada", "ada@example.com", date(1990, 12, 10), "$argon2id$...")
print(AssigneeRead.model_validate(row).model_dump())
#> {'id': 7, 'display_name': 'Ada'}
# --8<-- [end:demo]
# fmt: on
