"""seed default feature flags

Revision ID: bc54ec8d8d5d
Revises: 7e73c721f985
Create Date: 2024-05-13 11:00:00.000000+00:00

Data migration.
What changes: feature_flags gets one row per default flag (new_checkout, dark_mode,
  beta_search) that it does not have yet; existing rows are left as they are.
Why: the application reads these flags at start-up and expects a row for each.
Rows touched: at most 3 inserted; count the missing ones with
  SELECT 3 - count(*) FROM feature_flags
  WHERE name IN ('new_checkout', 'dark_mode', 'beta_search')
Expected run time: milliseconds at any size (three indexed look-ups).
Manual steps: none.
Rollback: downgrade deletes the three default flags, including any a person created or
  switched on by hand after the upgrade; their `enabled` values are not restored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bc54ec8d8d5d"
down_revision: str | Sequence[str] | None = "7e73c721f985"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_FLAGS = ("new_checkout", "dark_mode", "beta_search")


# --8<-- [start:insert_if_absent]
def upgrade() -> None:
    # INSERT ... SELECT ... WHERE NOT EXISTS runs unchanged on SQLite and PostgreSQL, and a
    # second run inserts nothing: a re-run after a crash, or after someone added a flag by hand,
    # is safe.
    insert_if_absent = sa.text(
        "INSERT INTO feature_flags (name, enabled) "
        "SELECT :name, :enabled "
        "WHERE NOT EXISTS (SELECT 1 FROM feature_flags WHERE name = :name)"
    ).bindparams(sa.bindparam("enabled", type_=sa.Boolean()))
    for name in DEFAULT_FLAGS:
        op.execute(insert_if_absent.bindparams(name=name, enabled=False))


# --8<-- [end:insert_if_absent]


def downgrade() -> None:
    flags = sa.table("feature_flags", sa.column("name"))
    op.execute(flags.delete().where(flags.c.name.in_(DEFAULT_FLAGS)))
