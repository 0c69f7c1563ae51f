"""add orders customer foreign key and amount check

Revision ID: 705bebd27ae5
Revises: 09ca320ba015
Create Date: 2024-03-01 09:20:00.000000+00:00

PostgreSQL, in two transactions:

1. ADD CONSTRAINT ... NOT VALID: checks new and updated rows from now on, scans nothing, and
   holds its lock (SHARE ROW EXCLUSIVE for the foreign key, ACCESS EXCLUSIVE for the check) for
   milliseconds. It commits when the autocommit block starts.
2. VALIDATE CONSTRAINT: scans the existing rows under SHARE UPDATE EXCLUSIVE, which lets reads
   and writes go on. If a row breaks the rule, this step fails and the constraint stays
   NOT VALID: fix the rows, then run the upgrade again (step 1 is skipped when it already ran).

SQLite has no ALTER TABLE ADD CONSTRAINT: batch mode copies the table into a new one that has
the constraints. The copy checks every row, holding the database's write lock until it is done.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.naming import conv

revision: str = "705bebd27ae5"
down_revision: str | Sequence[str] | None = "09ca320ba015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = conv("fk_orders_customer_id_customers")
# conv(): the final name, not an input to the naming convention.
CHECK = conv("ck_orders_amount_not_negative")


def constraint_exists(name: str) -> bool:
    query = sa.text("SELECT 1 FROM pg_constraint WHERE conname = :name")
    return op.get_bind().execute(query, {"name": name}).scalar() is not None


# --8<-- [start:upgrade]
def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        # SQLite runs batch mode's CREATE TABLE outside the transaction: a copy that failed
        # (a row breaking a constraint) leaves _alembic_tmp_orders behind. Drop it to re-run.
        op.execute("DROP TABLE IF EXISTS _alembic_tmp_orders")
        with op.batch_alter_table("orders") as batch:
            batch.create_foreign_key(FOREIGN_KEY, "customers", ["customer_id"], ["id"])
            batch.create_check_constraint(CHECK, "amount >= 0")
        return
    if not constraint_exists(FOREIGN_KEY):
        op.create_foreign_key(
            FOREIGN_KEY, "orders", "customers", ["customer_id"], ["id"], postgresql_not_valid=True
        )
    if not constraint_exists(CHECK):
        op.create_check_constraint(CHECK, "orders", "amount >= 0", postgresql_not_valid=True)
    # Commits the NOT VALID constraints; each VALIDATE below is a transaction of its own.
    with op.get_context().autocommit_block():
        op.execute(f"ALTER TABLE orders VALIDATE CONSTRAINT {FOREIGN_KEY}")
        op.execute(f"ALTER TABLE orders VALIDATE CONSTRAINT {CHECK}")


# --8<-- [end:upgrade]


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("orders") as batch:
            batch.drop_constraint(CHECK, type_="check")
            batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        return
    op.drop_constraint(CHECK, "orders", type_="check")
    op.drop_constraint(FOREIGN_KEY, "orders", type_="foreignkey")
