"""Anti-pattern: a sort expression taken from the query string straight into SQL."""

# fmt: off
# --8<-- [start:demo]
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text

task = Table(
    "task",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("title", String(200)),
)


def list_query(sort: str) -> str:
    # ORDER BY cannot be a bound parameter, so `text(sort)` is raw SQL.
    sql = str(select(task.c.id, task.c.title).order_by(text(sort)))
    return sql.replace(" \n", "\n")  # drop the trailing space before the newline


print(list_query("(SELECT password_hash FROM user_account LIMIT 1)"))
"""
SELECT task.id, task.title
FROM task ORDER BY (SELECT password_hash FROM user_account LIMIT 1)
"""
# --8<-- [end:demo]
# fmt: on
