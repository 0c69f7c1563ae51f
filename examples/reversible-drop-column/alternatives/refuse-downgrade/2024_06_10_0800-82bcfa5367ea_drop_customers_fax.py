"""drop customers.fax (no archive: the downgrade refuses)

Revision ID: 82bcfa5367ea
Revises: 7799c36dc509
Create Date: 2024-06-10 08:00:00.000000+00:00

The other honest choice when the dropped values are not kept: the downgrade refuses, says why,
and says what to do. It raises CommandError, which the alembic command line prints as
"FAILED: <message>" without a traceback. Not in the example's versions/ (the harness takes
every revision down and up again): the tests copy it over the archiving revision.
"""

from collections.abc import Sequence

from alembic import op
from alembic.util import CommandError

revision: str = "82bcfa5367ea"
down_revision: str | Sequence[str] | None = "7799c36dc509"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:refuse]
def upgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("fax")


def downgrade() -> None:
    raise CommandError(
        "Revision 82bcfa5367ea (drop customers.fax) cannot be downgraded: the upgrade dropped "
        "every fax number and kept no copy, so an empty column is all a downgrade could give "
        "back. To roll back, restore the database from the backup taken before the upgrade. "
        "If the fax numbers are not needed, run `alembic stamp 7799c36dc509` after adding the "
        "column by hand: ALTER TABLE customers ADD COLUMN fax VARCHAR(40)."
    )


# --8<-- [end:refuse]
