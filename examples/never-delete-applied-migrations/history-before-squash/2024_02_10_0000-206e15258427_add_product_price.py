"""add product price

Revision ID: 206e15258427
Revises: 4fda5724d72a
Create Date: 2024-02-10 00:00:00.000000+00:00

Old history, replaced by the baseline ac717088bbfe.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "206e15258427"
down_revision: str | Sequence[str] | None = "4fda5724d72a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "products",
        sa.Column("price", sa.Numeric(10, 2), server_default=sa.text("0"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_column("price")
