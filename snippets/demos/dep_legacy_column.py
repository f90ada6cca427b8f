"""Anti-pattern: SQLAlchemy 1.x `Column` attributes that type checkers cannot read."""

from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# --8<-- [start:demo]
class User(Base):
    __tablename__ = "legacy_user"

    # mypy sees Column[int] and Column[str], not int and str, and nothing says
    # that `email` may be NULL (nullable=True is the silent default).
    id = Column(Integer, primary_key=True)
    email = Column(String(320))


# --8<-- [end:demo]
