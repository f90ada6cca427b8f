"""Anti-pattern: rules the database could enforce, left to application code."""

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


# --8<-- [start:demo]
class Customer(Base):
    __tablename__ = "demo_customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "Unique" only because the service checks before inserting: two
    # concurrent sign-ups with the same address both pass that check.
    email: Mapped[str] = mapped_column(String(320))


class CustomerOrder(Base):
    __tablename__ = "demo_customer_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A bare integer: no foreign key (orphans allowed) and no index (every
    # "orders of this customer" query scans the table).
    customer_id: Mapped[int]


# --8<-- [end:demo]
