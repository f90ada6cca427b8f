"""Anti-pattern: datetime columns that forget the offset and trust each pod's clock."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


# --8<-- [start:demo]
class Payment(Base):
    __tablename__ = "demo_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    # DateTime() is `timestamp without time zone`: the offset is dropped.
    paid_at: Mapped[datetime] = mapped_column(DateTime())
    # Mapped[datetime] alone maps to the same type, and the default is the
    # clock of whichever pod inserted the row.
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)


# --8<-- [end:demo]
