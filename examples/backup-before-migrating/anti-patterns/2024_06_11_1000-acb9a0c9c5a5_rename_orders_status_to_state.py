"""rename orders.status to state, from the wrong table

Revision ID: acb9a0c9c5a5
Revises: bb466659a330
Create Date: 2024-06-11 10:00:00.000000+00:00

Fault-injected: names a table that does not exist, so the upgrade fails. The tests copy it
into a copy of the example to show what upgrade_with_backup.py prints when an upgrade fails.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "acb9a0c9c5a5"
down_revision: str | Sequence[str] | None = "bb466659a330"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.alter_column("status", new_column_name="state")


def downgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.alter_column("state", new_column_name="status")
