"""Anti-pattern: a page size with no default and no cap returns the whole table."""

# fmt: off
# --8<-- [start:demo]
ROWS = list(range(250_000))  # stands in for the task table


def list_tasks(limit: int | None = None, offset: int = 0) -> list[int]:
    return ROWS[offset:] if limit is None else ROWS[offset : offset + limit]


print(len(list_tasks()))  # a client that forgot the parameter
#> 250000
print(len(list_tasks(limit=10**9)))  # a client that asked for everything
#> 250000
# --8<-- [end:demo]
# fmt: on
