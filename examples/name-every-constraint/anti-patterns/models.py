"""ANTI-PATTERN: the members models with a plain MetaData(), no naming convention.

Autogenerate then writes constraints without names (see the revision next to this file), and
env.py's `target_metadata` gives Alembic's operations no convention to name them with either.
The tests copy this file over member_directory/models.py in a copy of the project.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

metadata = sa.MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (sa.UniqueConstraint("email"), sa.CheckConstraint("length(email) > 3"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320))
