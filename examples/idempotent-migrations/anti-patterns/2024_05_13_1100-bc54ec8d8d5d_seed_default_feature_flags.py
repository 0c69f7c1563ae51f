"""seed default feature flags (ANTI-PATTERN: a data step that cannot run twice)

Revision ID: bc54ec8d8d5d
Revises: 7e73c721f985
Create Date: 2024-05-13 11:00:00.000000+00:00

Data migration.
What changes: feature_flags gets the three default flags.
Why: the application expects a row for each.
Rows touched: 3 inserted.
Expected run time: milliseconds.
Manual steps: none.
Rollback: downgrade deletes the three default flags.

A plain INSERT: run a second time (a retry after a crash that happened after the commit, a
flag someone already added by hand) it fails on uq_feature_flags_name. Not part of the
example's history: the tests copy it over the good one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bc54ec8d8d5d"
down_revision: str | Sequence[str] | None = "7e73c721f985"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_FLAGS = ("new_checkout", "dark_mode", "beta_search")


# --8<-- [start:plain_insert]
def upgrade() -> None:
    flags = sa.table("feature_flags", sa.column("name"), sa.column("enabled"))
    op.bulk_insert(flags, [{"name": name, "enabled": False} for name in DEFAULT_FLAGS])


# --8<-- [end:plain_insert]


def downgrade() -> None:
    flags = sa.table("feature_flags", sa.column("name"))
    op.execute(flags.delete().where(flags.c.name.in_(DEFAULT_FLAGS)))
