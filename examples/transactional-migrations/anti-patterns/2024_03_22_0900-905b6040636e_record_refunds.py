"""record refunds and make customer_email unique

Revision ID: 905b6040636e
Revises: 7127cac97fa6
Create Date: 2024-03-22 09:00:00.000000+00:00

Fault-injected: this revision fails at its last step when two orders share a customer_email
(the unique index cannot be built), after it has already created a table, copied rows into
it and added a column. What survives the failure depends on the transaction, not on the code.

Data migration.
What changes: new table refunds, filled with one row per cancelled order; new column
    orders.refunded_cents; a unique index on orders.customer_email.
Why: refunds get their own table.
Rows touched: one per cancelled order (SELECT count(*) FROM orders WHERE status = 'cancelled').
Expected run time: under a second at 10,000 orders.
Manual steps: none.
Rollback: downgrade drops the index, the column and the table; nothing else changed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "905b6040636e"
down_revision: str | Sequence[str] | None = "7127cac97fa6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 1. DDL
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    # 2. data
    op.execute(
        "INSERT INTO refunds (order_id, amount_cents) "
        "SELECT id, total_cents FROM orders WHERE status = 'cancelled'"
    )
    # 3. DDL again
    op.add_column("orders", sa.Column("refunded_cents", sa.Integer(), nullable=True))
    # 4. fails when the data has duplicate emails
    op.create_index(op.f("uq_orders_customer_email"), "orders", ["customer_email"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("uq_orders_customer_email"), table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("refunded_cents")
    op.drop_table("refunds")
