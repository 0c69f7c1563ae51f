"""The models the create-user-table migration builds, and the naming convention for constraints."""

from __future__ import annotations

import datetime as dt

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


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True, index=True)
    hashed_password: Mapped[str] = mapped_column(sa.String(255))
    # sa.true() renders as `true` on PostgreSQL and `1` on SQLite: a real boolean on both.
    is_active: Mapped[bool] = mapped_column(server_default=sa.true())
    # func.now() renders as now() on PostgreSQL and CURRENT_TIMESTAMP on SQLite.
    created_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
    # The server default covers INSERTs; onupdate refreshes it on UPDATEs made through SQLAlchemy.
    updated_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now(), onupdate=sa.func.now()
    )
