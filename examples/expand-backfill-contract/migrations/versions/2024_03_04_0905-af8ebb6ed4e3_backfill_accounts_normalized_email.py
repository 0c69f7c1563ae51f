"""backfill accounts normalized_email

Revision ID: af8ebb6ed4e3
Revises: d14fe927eec7
Create Date: 2024-03-04 09:05:00.000000+00:00

Data migration.
What changes: accounts.normalized_email is set to lower(email) on every row where it is NULL.
Why: the next revision makes normalized_email NOT NULL, which fails while any row holds NULL.
Rows touched: the accounts that existed before the application started writing
  normalized_email: SELECT count(*) FROM accounts WHERE normalized_email IS NULL
Expected run time: one UPDATE over those rows; not measured for this example. A table of
  millions of rows needs the backfill in batches, one transaction each.
Manual steps: deploy the application version that writes normalized_email on every INSERT and
  UPDATE before running this revision, or new rows arrive with NULL after the backfill.
Rollback: nothing to undo; downgrade leaves the values in place (code that predates the column
  ignores it), and the previous revision's downgrade drops the column with them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "af8ebb6ed4e3"
down_revision: str | Sequence[str] | None = "d14fe927eec7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:backfill]
def upgrade() -> None:
    # Its own revision, so its own transaction (env.py sets transaction_per_migration): the
    # ALTER TABLE of the previous revision has committed and released its lock before this
    # UPDATE starts, and a failure here rolls back the backfill alone.
    #
    # Plain SQL on purpose: the models describe the table at head, not as it is at this
    # revision, so importing them here would break once they change again.
    #
    # The predicate `normalized_email IS NULL` guarantees two things: running the revision
    # again (after a failure, or a downgrade and upgrade) only touches rows still missing a
    # value, and rows the application already wrote are never overwritten.
    op.execute(
        sa.text(
            "UPDATE accounts SET normalized_email = lower(email) WHERE normalized_email IS NULL"
        )
    )


def downgrade() -> None:
    # Nothing to undo: the values are correct, and code that predates the column ignores them.
    # Setting them back to NULL would only make the next upgrade redo the work.
    pass


# --8<-- [end:backfill]
