"""require customer email, add is_paid

Revision ID: ba062575d7e0
Revises: 3f788ff347a8
Create Date: 2024-03-08 00:00:00.000000+00:00

Runs on SQLite and PostgreSQL alike:

- `batch_alter_table`: PostgreSQL runs a plain ALTER TABLE; SQLite, which cannot ALTER a
  column, gets the table rebuilt ("move and copy").
- `server_default=sa.false()`: renders `false` on PostgreSQL and `0` on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ba062575d7e0"
down_revision: str | Sequence[str] | None = "3f788ff347a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:upgrade]
def upgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("customer_email", existing_type=sa.String(320), nullable=False)
        batch_op.add_column(
            sa.Column("is_paid", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        # --8<-- [end:upgrade]


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("is_paid")
        batch_op.alter_column("customer_email", existing_type=sa.String(320), nullable=True)
