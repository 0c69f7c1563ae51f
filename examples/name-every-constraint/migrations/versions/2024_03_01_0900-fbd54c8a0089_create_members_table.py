"""create members table

Revision ID: fbd54c8a0089
Revises:
Create Date: 2024-03-01 09:00:00.000000+00:00

Every constraint has a name: op.f() marks a name as final (already converted by the naming
convention), so a later revision can drop uq_members_email by that name on every backend.
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("email", name=op.f("uq_members_email")),
        sa.CheckConstraint("length(email) > 3", name=op.f("ck_members_email_length")),
    )


# --8<-- [end:upgrade]


def downgrade() -> None:
    op.drop_table("members")
