"""index orders.customer_email concurrently

Revision ID: bdbc76f4e431
Revises: 50c10155abd9
Create Date: 2024-03-08 09:00:00.000000+00:00

CREATE INDEX CONCURRENTLY cannot run inside a transaction block on PostgreSQL, so it runs in
an autocommit block: the revision's transaction is committed first, and the index build
commits on its own. If the revision fails after the build, alembic_version still names the
previous revision and the index is already there: `if_not_exists=True` lets the re-run pass.
On SQLite `postgresql_concurrently` is ignored and the same code builds a plain index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "bdbc76f4e431"
down_revision: str | Sequence[str] | None = "50c10155abd9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:upgrade]
def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            op.f("ix_orders_customer_email"),
            "orders",
            ["customer_email"],
            postgresql_concurrently=True,
            if_not_exists=True,
        )


# --8<-- [end:upgrade]


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            op.f("ix_orders_customer_email"),
            table_name="orders",
            postgresql_concurrently=True,
            if_exists=True,
        )
