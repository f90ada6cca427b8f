"""Model checks on the SQLAlchemy metadata: keys, indexes, timestamptz, names, Numeric money."""

import re
from collections.abc import Iterator

from fastapi_guideline.checks.formats import MONEY
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import SNAKE
from fastapi_guideline.target import Models, TableInfo, iter_columns

CONVENTION_KEYS = ("ix", "uq", "ck", "fk", "pk")
SINGULAR_ENDINGS = ("ss", "us", "is", "status", "news", "series", "data", "media")
SHARED = {"core", "infra", "common", "shared", "db", "models", "database"}


def _hit(info: TableInfo, line: int, detail: str) -> Hit:
    return Hit(info.path, line, 1, detail, route=f"table {info.table.name}")


def _leading_columns(table: object) -> set[str]:
    """Columns that lead an index, a unique constraint or the primary key."""
    from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint  # noqa: PLC0415 - SQLAlchemy only when model checks run

    leading: set[str] = set()
    for index in getattr(table, "indexes", set()):
        columns = list(index.columns)
        if columns:
            leading.add(columns[0].name)
    for constraint in getattr(table, "constraints", set()):
        if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
            columns = list(constraint.columns)
            if columns:
                leading.add(columns[0].name)
    for column in getattr(table, "columns", []):
        if column.index or column.unique:
            leading.add(column.name)
    return leading


@check(
    "FOREIGN-KEY-INDEX",
    ("DB-005",),
    "model",
    "model",
    "a foreign key column without an index (every join and cascade scans the table)",
)
def foreign_key_index(models: Models) -> Iterator[Hit]:
    for info in models.tables:
        leading = _leading_columns(info.table)
        for column, line in iter_columns(info):
            if column.foreign_keys and column.name not in leading:
                yield _hit(info, line, column.name)


@check(
    "FOREIGN-KEY-ONDELETE",
    ("DB-005",),
    "model",
    "model",
    "a foreign key without an explicit ondelete",
)
def foreign_key_ondelete(models: Models) -> Iterator[Hit]:
    for info in models.tables:
        for column, line in iter_columns(info):
            for key in column.foreign_keys:
                if key.ondelete is None:
                    yield _hit(info, line, column.name)


@check(
    "REFERENCE-WITHOUT-FOREIGN-KEY",
    ("DB-005",),
    "model",
    "model",
    "a *_id column that references nothing: declare the ForeignKey",
)
def reference_without_key(models: Models) -> Iterator[Hit]:
    import sqlalchemy  # noqa: PLC0415 - SQLAlchemy only when model checks run

    # sqlalchemy.Uuid is new in 2.0; on 1.4 only integer keys are recognised.
    keys = tuple(t for t in (sqlalchemy.Integer, getattr(sqlalchemy, "Uuid", None)) if t)
    for info in models.tables:
        for column, line in iter_columns(info):
            if (
                column.name.endswith("_id")
                and not column.primary_key
                and not column.foreign_keys
                and isinstance(column.type, keys)
            ):
                yield _hit(info, line, column.name)


@check("PRIMARY-KEY", ("DB-005",), "model", "model", "a table without a primary key")
def primary_key(models: Models) -> Iterator[Hit]:
    for info in models.tables:
        if not list(info.table.primary_key.columns):
            yield _hit(info, info.line, "")


@check(
    "NAIVE-TIMESTAMP-COLUMN",
    ("FMT-003",),
    "model",
    "model",
    "a timestamp column without time zone, or with a default from the app's clock",
)
def naive_timestamp(models: Models) -> Iterator[Hit]:
    from sqlalchemy import DateTime  # noqa: PLC0415 - SQLAlchemy only when model checks run

    for info in models.tables:
        for column, line in iter_columns(info):
            if not isinstance(column.type, DateTime):
                continue
            if not column.type.timezone:
                yield _hit(info, line, f"{column.name}: timestamp without time zone")
            default = column.default
            if default is not None and getattr(default, "is_callable", False):
                yield _hit(info, line, f"{column.name}: default from the app's clock")


@check(
    "FLOAT-MONEY-COLUMN",
    ("FMT-004",),
    "model",
    "model",
    "money stored as a float column: use Numeric with a currency column",
)
def float_money_column(models: Models) -> Iterator[Hit]:
    from sqlalchemy import Float  # noqa: PLC0415 - SQLAlchemy only when model checks run

    for info in models.tables:
        for column, line in iter_columns(info):
            if isinstance(column.type, Float) and MONEY.search(column.name):
                yield _hit(info, line, column.name)


@check(
    "NAMING-CONVENTION",
    ("DB-007",),
    "model",
    "model",
    "the metadata has no complete naming convention (ix, uq, ck, fk, pk)",
)
def naming_convention(models: Models) -> Iterator[Hit]:
    for metadata, path, line in models.metadata:
        convention = getattr(metadata, "naming_convention", {})
        missing = [key for key in CONVENTION_KEYS if key not in convention]
        if missing:
            yield Hit(path, line, 1, "missing " + ", ".join(missing))


def _plural(name: str) -> bool:
    word = name.rsplit("_", 1)[-1]
    return word.endswith("s") and not word.endswith(SINGULAR_ENDINGS)


def _prefix(owner: str) -> str | None:
    parts = owner.split(".")
    if len(parts) < 3 or parts[-2] in SHARED:
        return None
    domain = parts[-2]
    return domain[:-3] + "y" if domain.endswith("ies") else domain.removesuffix("s")


@check(
    "TABLE-NAMES",
    ("DB-008",),
    "model",
    "model",
    "a table or column name breaks the convention (snake_case, singular, domain prefix, "
    "_at for datetimes, _date for dates)",
)
def table_names(models: Models) -> Iterator[Hit]:
    from sqlalchemy import Date, DateTime  # noqa: PLC0415 - SQLAlchemy only when model checks run

    for info in models.tables:
        name: str = info.table.name
        prefix = _prefix(info.owner)
        if not SNAKE.match(name):
            yield _hit(info, info.line, f"{name!r} is not snake_case")
        elif _plural(name):
            yield _hit(info, info.line, f"{name!r} is plural")
        elif prefix and not re.match(rf"{re.escape(prefix)}(_|$)", name):
            yield _hit(info, info.line, f"{name!r} lacks the domain prefix {prefix}_")
        for column, line in iter_columns(info):
            if not SNAKE.match(column.name):
                yield _hit(info, line, f"column {column.name!r} is not snake_case")
            elif isinstance(column.type, DateTime) and not column.name.endswith("_at"):
                yield _hit(info, line, f"datetime column {column.name!r} does not end in _at")
            elif type(column.type) is Date and not column.name.endswith("_date"):
                yield _hit(info, line, f"date column {column.name!r} does not end in _date")
