"""set accounts normalized_email not null

Revision ID: 84d2fac6c801
Revises: af8ebb6ed4e3
Create Date: 2024-03-04 09:10:00.000000+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "84d2fac6c801"
down_revision: str | Sequence[str] | None = "af8ebb6ed4e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:contract]
def upgrade() -> None:
    # Order: runs after the backfill revision. If a row still holds NULL (a writer that skips
    # the column), this fails: fix the writer, then `alembic downgrade -1` (the backfill's
    # downgrade changes nothing) and `alembic upgrade head` runs the backfill again before this.
    # PostgreSQL rolls the failure back completely. SQLite keeps the half-built copy
    # _alembic_tmp_accounts (its driver runs CREATE TABLE outside the transaction): drop that
    # table before upgrading again.
    #
    # Lock: on PostgreSQL this is ALTER TABLE ... SET NOT NULL, which holds an ACCESS
    # EXCLUSIVE lock on accounts (no reads, no writes) while it scans every row for NULLs.
    # On SQLite, which cannot alter a column, batch mode copies the table into a new one with
    # the constraint, drops the old one and renames the copy. Both read every row of the
    # table: keep this revision apart from the backfill, and schedule it for a quiet moment.
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("normalized_email", existing_type=sa.String(320), nullable=False)


def downgrade() -> None:
    # Relaxing NOT NULL keeps every value, and no row can violate it.
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("normalized_email", existing_type=sa.String(320), nullable=True)


# --8<-- [end:contract]
