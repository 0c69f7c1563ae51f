"""drop customers.legacy_notes

Revision ID: bb466659a330
Revises: a458e0d185d0
Create Date: 2024-06-10 10:00:00.000000+00:00

Destroys data: every value in customers.legacy_notes is gone once this runs. The downgrade
adds the column back, empty; only the backup taken before the upgrade has the notes.
Take one first (see docs/best-practices/backups.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bb466659a330"
down_revision: str | Sequence[str] | None = "a458e0d185d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("legacy_notes")


def downgrade() -> None:
    # The column comes back, its values do not: restore the pre-migration backup for those.
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("legacy_notes", sa.Text(), nullable=True))
