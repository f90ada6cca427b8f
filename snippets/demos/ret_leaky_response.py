"""Don't: a response built from every column sends PII the client never asked for."""

# fmt: off
# --8<-- [start:demo]
from dataclasses import asdict, dataclass
from datetime import date


@dataclass
class UserRow:
    """Stands in for the ORM row."""

    id: int
    display_name: str
    email: str
    birth_date: date
    password_hash: str


row = UserRow(7, "Ada", "ada@example.com", date(1990, 12, 10), "$argon2id$...")
# GET /api/v1/tasks/1 embeds its assignee "as stored": every column goes out.
assignee = asdict(row)
print(sorted(assignee))
#> ['birth_date', 'display_name', 'email', 'id', 'password_hash']
# --8<-- [end:demo]
# fmt: on
