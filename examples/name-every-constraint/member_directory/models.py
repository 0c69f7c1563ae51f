"""The members of a directory: every constraint named by the naming convention."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# --8<-- [start:convention]
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
# --8<-- [end:convention]


class Base(DeclarativeBase):
    metadata = metadata


# --8<-- [start:model]
class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        # uq_members_tenant_id: an email is unique within a tenant (revision 7871f36afaaa).
        sa.UniqueConstraint("tenant_id", "email"),
        # ck_members_email_length: a CHECK needs a name of its own; the convention prefixes it.
        sa.CheckConstraint("length(email) > 3", name="email_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(server_default=sa.text("1"))
    email: Mapped[str] = mapped_column(sa.String(320))


# --8<-- [end:model]
