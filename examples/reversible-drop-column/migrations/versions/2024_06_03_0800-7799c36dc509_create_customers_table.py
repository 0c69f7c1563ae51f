"""create customers table

Revision ID: 7799c36dc509
Revises:
Create Date: 2024-06-03 08:00:00.000000+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7799c36dc509"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("fax", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )


def downgrade() -> None:
    op.drop_table("customers")
