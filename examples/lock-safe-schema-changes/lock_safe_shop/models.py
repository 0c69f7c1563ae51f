"""The shop's tables as they stand at head, after every lock-safe revision has run."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    metadata = metadata


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Revision 3: the foreign key, added NOT VALID and validated in a second transaction.
    # Revision 2: the index, built CONCURRENTLY.
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    # Revision 4: NOT NULL, proved by a validated CHECK so that PostgreSQL skips the scan.
    status: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[int]
    # Revision 5: a constant default, which PostgreSQL adds without rewriting the table.
    currency: Mapped[str] = mapped_column(sa.String(3), server_default="EUR")
