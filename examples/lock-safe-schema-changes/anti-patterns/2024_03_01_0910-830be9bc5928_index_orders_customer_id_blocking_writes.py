"""index orders.customer_id (ANTI-PATTERN: blocks writes for the whole build)

Revision ID: 830be9bc5928
Revises: df2a97f8038d
Create Date: 2024-03-01 09:10:00.000000+00:00

A plain CREATE INDEX takes a SHARE lock on orders: reads go on, but every INSERT, UPDATE and
DELETE waits until the build is done and the migration's transaction commits.
Use migrations/versions/..._index_orders_customer_id_concurrently.py instead.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "830be9bc5928"
down_revision: str | Sequence[str] | None = "df2a97f8038d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_orders_customer_id", table_name="orders")
