"""add item sku

Revision ID: 3427965639f8
Revises: 59a96ff9ac59
Create Date: 2024-02-01 09:00:00.000000+00:00

Written on branch feature/item-sku.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3427965639f8"
down_revision: str | Sequence[str] | None = "59a96ff9ac59"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.add_column(sa.Column("sku", sa.String(40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_items_sku"), ["sku"])


def downgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_items_sku"), type_="unique")
        batch_op.drop_column("sku")
