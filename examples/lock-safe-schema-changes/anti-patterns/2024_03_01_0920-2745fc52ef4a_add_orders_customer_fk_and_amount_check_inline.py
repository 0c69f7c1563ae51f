"""add orders customer foreign key and amount check (ANTI-PATTERN: validated under lock)

Revision ID: 2745fc52ef4a
Revises: df2a97f8038d
Create Date: 2024-03-01 09:20:00.000000+00:00

Each constraint is checked against every existing row while its lock is held: SHARE ROW
EXCLUSIVE on orders and customers for the foreign key (no writes to either table), ACCESS
EXCLUSIVE on orders for the check (no reads either), until the transaction commits.
Use migrations/versions/..._add_orders_customer_fk_and_amount_check.py instead.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "2745fc52ef4a"
down_revision: str | Sequence[str] | None = "df2a97f8038d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_foreign_key(
        op.f("fk_orders_customer_id_customers"), "orders", "customers", ["customer_id"], ["id"]
    )
    op.create_check_constraint(op.f("ck_orders_amount_not_negative"), "orders", "amount >= 0")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_orders_amount_not_negative"), "orders", type_="check")
    op.drop_constraint(op.f("fk_orders_customer_id_customers"), "orders", type_="foreignkey")
