"""add normalized_email to accounts

Revision ID: 79308a1e95f5
Revises: 3e4ba898393b
Create Date: 2024-03-04 09:00:00.000000+00:00

ANTI-PATTERN: one revision that adds a NOT NULL column to a table that already has rows. It
passes on an empty development database and fails on every populated one. The example's
versions/ folder does the same change in three revisions: expand, backfill, contract.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "79308a1e95f5"
down_revision: str | Sequence[str] | None = "3e4ba898393b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:one_step]
def upgrade() -> None:
    op.add_column("accounts", sa.Column("normalized_email", sa.String(320), nullable=False))


def downgrade() -> None:
    op.drop_column("accounts", "normalized_email")


# --8<-- [end:one_step]
