"""add is_paid with an integer default

Revision ID: 8ce9364f9d45
Revises: 3f788ff347a8
Create Date: 2024-03-08 00:00:00.000000+00:00

Anti-pattern: SQLite lets it through, PostgreSQL rejects it. `sa.text("0")` is the integer 0,
which SQLite stores in a BOOLEAN column happily; PostgreSQL refuses an integer default for a
boolean column. The fix: server_default=sa.false().
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8ce9364f9d45"
down_revision: str | Sequence[str] | None = "3f788ff347a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:upgrade]
def upgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("customer_email", existing_type=sa.String(320), nullable=False)
        batch_op.add_column(
            sa.Column("is_paid", sa.Boolean(), server_default=sa.text("0"), nullable=False)
        )
        # --8<-- [end:upgrade]


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("is_paid")
        batch_op.alter_column("customer_email", existing_type=sa.String(320), nullable=True)
