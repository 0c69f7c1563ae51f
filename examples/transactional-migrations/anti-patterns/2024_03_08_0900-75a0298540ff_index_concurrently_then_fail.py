"""index orders.customer_email concurrently, then fail

Revision ID: 75a0298540ff
Revises: 50c10155abd9
Create Date: 2024-03-08 09:00:00.000000+00:00

Fault-injected: the autocommit block builds (and commits) the index, then a later statement
of the same revision fails on duplicate data. alembic_version still names 50c10155abd9, the
index stays. Once the data is fixed, the re-run passes only because of `if_not_exists=True`.
Replaces bdbc76f4e431 in the tests.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "75a0298540ff"
down_revision: str | Sequence[str] | None = "50c10155abd9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            op.f("ix_orders_customer_email"),
            "orders",
            ["customer_email"],
            postgresql_concurrently=True,
            if_not_exists=True,
        )
    # Back in a transaction: fails while two orders share an email.
    op.create_index(op.f("uq_orders_customer_email"), "orders", ["customer_email"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("uq_orders_customer_email"), table_name="orders")
    with op.get_context().autocommit_block():
        op.drop_index(
            op.f("ix_orders_customer_email"),
            table_name="orders",
            postgresql_concurrently=True,
            if_exists=True,
        )
