"""Anti-pattern: one query per row (N+1), counted with a stand-in for the database."""

# fmt: off
# --8<-- [start:demo]
queries: list[str] = []


def fetch(sql: str, **params: int) -> list[int]:
    """Record the statement; return 50 owner ids for the list query, one row else."""
    queries.append(sql)
    return list(range(50)) if "FROM task" in sql else [params.get("id", 0)]


owner_ids = fetch("SELECT owner_id FROM task ORDER BY created_at LIMIT 50")
# What a lazy `task.owner` does inside a loop: one round trip per task.
owners = [fetch("SELECT * FROM app_user WHERE id = :id", id=i) for i in owner_ids]
print(len(queries))
#> 51
# --8<-- [end:demo]
# fmt: on
