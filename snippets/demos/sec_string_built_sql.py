"""Anti-pattern: SQL built from input with an f-string lets input rewrite the query."""

# fmt: off
# --8<-- [start:demo]
title = "x' OR '1'='1"  # what the client sent as ?title=

where = f"title = '{title}'"  # the input becomes part of the SQL text
query = "SELECT id, title FROM task WHERE " + where  # noqa: S608  # the anti-pattern
print(query)  # now matches every row of every user
#> SELECT id, title FROM task WHERE title = 'x' OR '1'='1'
# --8<-- [end:demo]
# fmt: on
