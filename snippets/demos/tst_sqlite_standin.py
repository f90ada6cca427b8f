"""Don't: integration tests on SQLite, which accepts what PostgreSQL refuses."""

# fmt: off
# --8<-- [start:demo]
from sqlalchemy import Column, MetaData, String, Table, create_engine, select

metadata = MetaData()
tasks = Table("tasks", metadata, Column("title", String(200), nullable=False))

engine = create_engine("sqlite://")  # fast, in memory, and not production's database
metadata.create_all(engine)
with engine.begin() as connection:
    connection.execute(tasks.insert().values(title="x" * 1000))  # a VARCHAR(200)
    stored = connection.scalar(select(tasks.c.title)) or ""
print(len(stored))  # PostgreSQL refuses this row: the test passes, production fails
#> 1000
# --8<-- [end:demo]
# fmt: on
