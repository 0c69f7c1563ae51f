"""add orders.currency with a constant default

Revision ID: b02e68487c6f
Revises: 7a0eadc5f271
Create Date: 2024-03-01 09:40:00.000000+00:00

A constant default ('EUR') is stored once in the catalog: PostgreSQL 11 and later add the
column without touching a row, and SQLite's ALTER TABLE ADD COLUMN does not copy the table
either. A volatile default (gen_random_uuid(), clock_timestamp(), random()) would make
PostgreSQL rewrite the whole table under ACCESS EXCLUSIVE: add such a column nullable without a
default, set the default for new rows, and fill the old rows with a batched backfill.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b02e68487c6f"
down_revision: str | Sequence[str] | None = "7a0eadc5f271"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:upgrade]
def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("currency", sa.String(3), server_default="EUR", nullable=False))


# --8<-- [end:upgrade]


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("currency")
