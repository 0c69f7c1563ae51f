"""create suppliers

Revision ID: ddf80cdad799
Revises: 59a96ff9ac59
Create Date: 2024-02-01 10:00:00.000000+00:00

Written on branch feature/suppliers, from the same parent as add item sku.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ddf80cdad799"
down_revision: str | Sequence[str] | None = "59a96ff9ac59"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
    )


def downgrade() -> None:
    op.drop_table("suppliers")
