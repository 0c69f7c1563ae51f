"""make orders.status NOT NULL

Revision ID: 7a0eadc5f271
Revises: 705bebd27ae5
Create Date: 2024-03-01 09:30:00.000000+00:00

Every row already has a status (a batched backfill ran before this revision). On PostgreSQL,
`SET NOT NULL` alone scans the whole table under ACCESS EXCLUSIVE: no reads, no writes until it
is done. Since PostgreSQL 12 it skips the scan when a validated `CHECK (status IS NOT NULL)`
proves there is no NULL, so:

1. add the CHECK as NOT VALID (milliseconds; committed when the autocommit block starts);
2. VALIDATE it in a transaction of its own (a scan, but under SHARE UPDATE EXCLUSIVE);
3. SET NOT NULL (ACCESS EXCLUSIVE for milliseconds: no scan) and drop the now redundant CHECK.

SQLite cannot alter a column: batch mode copies the table, checking every row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.naming import conv

revision: str = "7a0eadc5f271"
down_revision: str | Sequence[str] | None = "705bebd27ae5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# conv(): the final name, not an input to the naming convention.
CHECK = conv("ck_orders_status_not_null")


# --8<-- [start:upgrade]
def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        # SQLite runs batch mode's CREATE TABLE outside the transaction: a copy that failed
        # (a row breaking a constraint) leaves _alembic_tmp_orders behind. Drop it to re-run.
        op.execute("DROP TABLE IF EXISTS _alembic_tmp_orders")
        with op.batch_alter_table("orders") as batch:
            batch.alter_column("status", existing_type=sa.String(20), nullable=False)
        return
    # A run that failed in VALIDATE left the NOT VALID check behind: start again from scratch.
    op.drop_constraint(CHECK, "orders", type_="check", if_exists=True)
    op.create_check_constraint(CHECK, "orders", "status IS NOT NULL", postgresql_not_valid=True)
    with op.get_context().autocommit_block():
        op.execute(f"ALTER TABLE orders VALIDATE CONSTRAINT {CHECK}")
    op.alter_column("orders", "status", nullable=False)  # no scan: the CHECK proves it
    op.drop_constraint(CHECK, "orders", type_="check")


# --8<-- [end:upgrade]


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.alter_column("status", existing_type=sa.String(20), nullable=True)
