"""lowercase account emails

Revision ID: 37fc0f34c64c
Revises: 08de45803657
Create Date: 2024-04-15 00:00:00.000000+00:00

Data migration.
What changes: accounts.email is rewritten in lower case, in every row where it has capitals.
Why: sign-in compares emails in lower case; "Ada@Example.com" could not sign in.
Rows touched: the rows counted by SELECT count(*) FROM accounts WHERE email <> lower(email)
  (2 in the example's test data; count them on a production copy before deploying).
Expected run time: one UPDATE over the whole table; under 5 seconds for 20,000 rows on
  SQLite and PostgreSQL (the example's test checks it); measure at production size.
Manual steps: before: check that no two emails differ only in case (SELECT lower(email)
  FROM accounts GROUP BY lower(email) HAVING count(*) > 1) and resolve those by hand.
Rollback: downgrade does nothing; the original capitalisation is not kept and cannot be
  restored except from a backup taken before the upgrade.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "37fc0f34c64c"
down_revision: str | Sequence[str] | None = "08de45803657"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only the rows that still need it: running it again changes nothing.
    op.execute("UPDATE accounts SET email = lower(email) WHERE email <> lower(email)")


def downgrade() -> None:
    # Nothing to undo in the schema; the old capitalisation is gone (see Rollback above).
    pass
