"""baseline products

Revision ID: ac717088bbfe
Revises:
Create Date: 2024-06-01 00:00:00.000000+00:00

The squashed history: builds in one step the schema that create products (4fda5724d72a),
add product price (206e15258427) and index product name (02d751d2e334) built in three.
Existing databases at 02d751d2e334 are stamped with this revision (squash_catalog.baseline),
never upgraded through it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ac717088bbfe"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    op.create_index(op.f("ix_products_name"), "products", ["name"])


def downgrade() -> None:
    op.drop_index(op.f("ix_products_name"), table_name="products")
    op.drop_table("products")
