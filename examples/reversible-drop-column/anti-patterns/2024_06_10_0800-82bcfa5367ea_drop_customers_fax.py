"""drop customers.fax (ANTI-PATTERN: a downgrade that restores the column, not the data)

Revision ID: 82bcfa5367ea
Revises: 7799c36dc509
Create Date: 2024-06-10 08:00:00.000000+00:00

What autogenerate writes for a removed column. The downgrade brings back an empty column: the
schema round trip passes every check, and every fax number is gone. Not part of the example's
history: the tests copy it over the good one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "82bcfa5367ea"
down_revision: str | Sequence[str] | None = "7799c36dc509"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:silent_loss]
def upgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("fax")


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("fax", sa.String(40), nullable=True))


# --8<-- [end:silent_loss]
