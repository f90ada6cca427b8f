from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, Float, ForeignKey, Index, MetaData, Numeric, String, Table, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

CONVENTION = {"ix": "%(column_0_label)s_idx", "uq": "%(table_name)s_%(column_0_name)s_key",
              "ck": "%(table_name)s_%(constraint_name)s_check",
              "fk": "%(table_name)s_%(column_0_name)s_fkey", "pk": "%(table_name)s_pkey"}


class Base(DeclarativeBase):  # near: NAMING-CONVENTION
    metadata = MetaData(naming_convention=CONVENTION)


class LooseBase(DeclarativeBase):  # expect: NAMING-CONVENTION, METADATA-NAMING
    pass


class Order(Base):  # near: TABLE-NAMES, PRIMARY-KEY
    __tablename__ = "order"

    id: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[float] = mapped_column(Float)  # expect: FLOAT-MONEY-COLUMN, FLOAT-MONEY
    amount: Mapped[float] = mapped_column(Numeric(12, 2))  # expect: FLOAT-MONEY  # near: FLOAT-MONEY-COLUMN
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())  # near: NAIVE-TIMESTAMP-COLUMN, TABLE-NAMES
    shipped: Mapped[datetime] = mapped_column(DateTime())  # expect: NAIVE-TIMESTAMP-COLUMN, TABLE-NAMES
    paid_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=datetime.now)  # expect: NAIVE-TIMESTAMP-COLUMN
    due_date: Mapped[date] = mapped_column(Date)  # near: TABLE-NAMES
    customer_id: Mapped[int]  # expect: REFERENCE-WITHOUT-FOREIGN-KEY
    external_ref: Mapped[str] = mapped_column(String(40))  # near: REFERENCE-WITHOUT-FOREIGN-KEY


class OrderLine(Base):  # near: TABLE-NAMES
    __tablename__ = "order_line"
    __table_args__ = (Index(None, "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"))  # expect: FOREIGN-KEY-INDEX, FOREIGN-KEY-ONDELETE
    product_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"))  # near: FOREIGN-KEY-INDEX, FOREIGN-KEY-ONDELETE, REFERENCE-WITHOUT-FOREIGN-KEY


class Shipments(Base):  # expect: TABLE-NAMES
    __tablename__ = "order_shipments"

    id: Mapped[int] = mapped_column(primary_key=True)


class Invoice(Base):  # expect: TABLE-NAMES
    __tablename__ = "invoice"

    id: Mapped[int] = mapped_column(primary_key=True)


order_audit = Table("order_audit", Base.metadata, Column("note", String(100)))  # expect: PRIMARY-KEY
