"""add orders.public_id with a volatile default (ANTI-PATTERN: rewrites the table)

Revision ID: 895eb71d90e6
Revises: df2a97f8038d
Create Date: 2024-03-01 09:40:00.000000+00:00

gen_random_uuid() gives every row a different value, so PostgreSQL cannot store the default
once in the catalog: it rewrites the whole table (a new file on disk) under ACCESS EXCLUSIVE.
SQLite refuses the statement outright ("Cannot add a column with non-constant default").
Instead: add the column nullable with no default, set the default for new rows, backfill the
old rows in batches, then make it NOT NULL the lock-safe way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "895eb71d90e6"
down_revision: str | Sequence[str] | None = "df2a97f8038d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column(
            "public_id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("orders", "public_id")
