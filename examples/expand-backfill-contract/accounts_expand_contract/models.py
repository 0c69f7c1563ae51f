"""The accounts table at head: `normalized_email` is NOT NULL once expand, backfill and contract ran."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Every index and constraint gets a predictable name, so a later migration (or SQLite's batch
# mode) can find it again by name.
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


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    # The lower-cased email, for case-insensitive lookups. The application writes it on every
    # INSERT and UPDATE; the backfill revision filled it for the rows that existed before.
    normalized_email: Mapped[str] = mapped_column(sa.String(320))
