"""create customers and orders

Revision ID: df2a97f8038d
Revises:
Create Date: 2024-03-01 09:00:00.000000+00:00

The starting point: two tables with no index, foreign key or check on orders yet, and
`orders.status` still nullable. The next revisions add each of those to a table that, in
production, already holds millions of rows and takes writes all the time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "df2a97f8038d"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )


def downgrade() -> None:
    op.drop_table("orders")
    op.drop_table("customers")
