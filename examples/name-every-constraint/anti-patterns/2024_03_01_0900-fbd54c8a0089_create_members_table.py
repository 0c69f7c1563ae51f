"""create members table (ANTI-PATTERN: constraints without names)

Revision ID: fbd54c8a0089
Revises:
Create Date: 2024-03-01 09:00:00.000000+00:00

What autogenerate writes when the models' MetaData has no naming convention (models.py next
to this file): the UNIQUE and CHECK constraints have no name. PostgreSQL makes one up (members_email_key,
members_email_check); SQLite stores none. Revision 7871f36afaaa, which drops
uq_members_email, then fails on both backends. Not part of the example's history: the tests
copy this file over the good one in a copy of the project.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fbd54c8a0089"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:upgrade]
def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.CheckConstraint("length(email) > 3"),
    )


# --8<-- [end:upgrade]


def downgrade() -> None:
    op.drop_table("members")
