"""Customers, after revision 82bcfa5367ea moved their fax numbers to an archive table."""

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
    name: Mapped[str] = mapped_column(sa.String(200))


# --8<-- [start:archive]
# Not used by the application: it holds the values of the dropped customers.fax column, so the
# downgrade of revision 82bcfa5367ea can put them back. Drop it in a later revision once that
# rollback is no longer needed.
customers_fax_archive = sa.Table(
    "customers_fax_archive",
    metadata,
    sa.Column("customer_id", sa.Integer(), primary_key=True),
    sa.Column("fax", sa.String(40), nullable=False),
)
# --8<-- [end:archive]
