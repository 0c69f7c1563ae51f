"""create products

Revision ID: 4fda5724d72a
Revises:
Create Date: 2024-01-10 00:00:00.000000+00:00

Old history, replaced by the baseline ac717088bbfe; kept here (and in git history) for the
databases that were built from it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4fda5724d72a"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )


def downgrade() -> None:
    op.drop_table("products")
