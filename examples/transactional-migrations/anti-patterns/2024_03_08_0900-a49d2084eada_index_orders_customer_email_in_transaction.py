"""index orders.customer_email concurrently, inside the revision's transaction

Revision ID: a49d2084eada
Revises: 50c10155abd9
Create Date: 2024-03-08 09:00:00.000000+00:00

Anti-pattern: PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction block, and
Alembic runs every revision in one. Replaces bdbc76f4e431 in the tests.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a49d2084eada"
down_revision: str | Sequence[str] | None = "50c10155abd9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_orders_customer_email"),
        "orders",
        ["customer_email"],
        postgresql_concurrently=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_orders_customer_email"), table_name="orders")
