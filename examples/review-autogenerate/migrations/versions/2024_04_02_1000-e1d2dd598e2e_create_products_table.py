"""create products table

Revision ID: e1d2dd598e2e
Revises:
Create Date: 2024-04-02 10:00:00.000000+00:00

Generated with `alembic revision --autogenerate`, then reviewed: names come from the naming
convention, the defaults are portable (sa.false() is `false` on PostgreSQL and `0` on SQLite).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e1d2dd598e2e"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column(
            "status",
            sa.Enum("draft", "active", name="product_status"),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("in_stock", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
    )


def downgrade() -> None:
    op.drop_table("products")
    # On PostgreSQL the ENUM type outlives the table: drop it too (a no-op elsewhere).
    sa.Enum(name="product_status").drop(op.get_bind(), checkfirst=True)
