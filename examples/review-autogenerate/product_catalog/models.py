"""The product catalog: the models autogenerate compares with the database."""

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


# --8<-- [start:model]
class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # Was `name` until revision c128dd12b844 renamed it.
    title: Mapped[str | None] = mapped_column(sa.String(200))
    # A native ENUM type on PostgreSQL; VARCHAR(6) on SQLite (no CHECK: create_constraint=False).
    status: Mapped[str] = mapped_column(
        sa.Enum("draft", "active", name="product_status"), server_default="draft"
    )
    in_stock: Mapped[bool] = mapped_column(server_default=sa.false())


# --8<-- [end:model]
