"""add orders.note

Revision ID: 7127cac97fa6
Revises: bdbc76f4e431
Create Date: 2024-03-15 09:00:00.000000+00:00

A harmless revision that runs before the failing one: the tests use the pair to show which
revisions stay applied with `transaction_per_migration=True` and with one transaction for the
whole upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7127cac97fa6"
down_revision: str | Sequence[str] | None = "bdbc76f4e431"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("note")
