"""Anti-pattern: table and column names that drift from the naming rules."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


# --8<-- [start:demo]
class Tasks(Base):
    __tablename__ = "Tasks"  # plural and capitalised: quoted in every raw query

    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[datetime] = mapped_column("CreatedOn")  # no `_at` suffix
    user: Mapped[int] = mapped_column("ownerID", ForeignKey("Users.id"))  # 3 names


# --8<-- [end:demo]
