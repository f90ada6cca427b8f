"""Fact: without a naming convention, constraints have no name Alembic can refer to."""

# fmt: off
# --8<-- [start:demo]
from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint

metadata = MetaData()  # no naming_convention
unique_title = UniqueConstraint("title")
Table(
    "task",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200)),
    unique_title,
)
print(unique_title.name)  # the database invents one, differently per engine
#> None
# --8<-- [end:demo]
# fmt: on
