"""archive and drop customers.fax

Revision ID: 82bcfa5367ea
Revises: 7799c36dc509
Create Date: 2024-06-10 08:00:00.000000+00:00

Data migration.
What changes: every non-NULL customers.fax is copied to the new table customers_fax_archive
  (customer_id, fax), then the column customers.fax is dropped.
Why: nobody sends faxes any more; the application stopped reading the column a release ago.
Rows touched: one archive row per customer with a fax:
  SELECT count(*) FROM customers WHERE fax IS NOT NULL
Expected run time: one INSERT ... SELECT plus the column drop; on SQLite the drop rebuilds
  the customers table (batch mode), so it grows with the table's size.
Manual steps: none.
Rollback: downgrade adds customers.fax back and fills it from customers_fax_archive, then drops
  the archive: every fax value comes back. Faxes of customers deleted after the upgrade stay
  gone with their customers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "82bcfa5367ea"
down_revision: str | Sequence[str] | None = "7799c36dc509"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:archive]
def upgrade() -> None:
    op.create_table(
        "customers_fax_archive",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("fax", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customers_fax_archive")),
    )
    op.execute(
        "INSERT INTO customers_fax_archive (customer_id, fax) "
        "SELECT id, fax FROM customers WHERE fax IS NOT NULL"
    )
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("fax")


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("fax", sa.String(40), nullable=True))
    op.execute(
        "UPDATE customers SET fax = (SELECT a.fax FROM customers_fax_archive a "
        "WHERE a.customer_id = customers.id)"
    )
    op.drop_table("customers_fax_archive")


# --8<-- [end:archive]
