"""The model the source's migration was generated from (FastAPI-tutorial style).

Kept as a counter-example: see the handbook page "Create a user table that works on every
backend" for what is wrong with it and the portable version in examples/create-user-table.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

metadata = sa.MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, index=True)
    email: Mapped[str] = mapped_column(sa.String(), unique=True, index=True)
    hashed_password: Mapped[str] = mapped_column(sa.String())
    is_active: Mapped[bool] = mapped_column(server_default="true")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=sa.text("now()"))
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=sa.text("now()"))
