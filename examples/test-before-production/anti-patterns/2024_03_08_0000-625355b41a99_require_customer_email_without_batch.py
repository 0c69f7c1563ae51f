"""require customer email without batch mode

Revision ID: 625355b41a99
Revises: 3f788ff347a8
Create Date: 2024-03-08 00:00:00.000000+00:00

Anti-pattern: PostgreSQL lets it through, SQLite rejects it. PostgreSQL changes the column in
place with ALTER TABLE ... ALTER COLUMN; SQLite has no ALTER COLUMN. `render_as_batch=True` in
env.py only changes what autogenerate writes, not a hand-written op.alter_column. The fix:
op.batch_alter_table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "625355b41a99"
down_revision: str | Sequence[str] | None = "3f788ff347a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:upgrade]
def upgrade() -> None:
    op.alter_column("orders", "customer_email", existing_type=sa.String(320), nullable=False)
    op.add_column(
        "orders", sa.Column("is_paid", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # --8<-- [end:upgrade]


def downgrade() -> None:
    op.drop_column("orders", "is_paid")
    op.alter_column("orders", "customer_email", existing_type=sa.String(320), nullable=True)
