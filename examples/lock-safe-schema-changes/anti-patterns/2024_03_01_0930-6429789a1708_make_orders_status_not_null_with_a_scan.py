"""make orders.status NOT NULL (ANTI-PATTERN: scans the table under ACCESS EXCLUSIVE)

Revision ID: 6429789a1708
Revises: df2a97f8038d
Create Date: 2024-03-01 09:30:00.000000+00:00

SET NOT NULL reads every row to prove there is no NULL, holding ACCESS EXCLUSIVE on orders:
no SELECT, INSERT, UPDATE or DELETE gets through until the transaction commits.
Use migrations/versions/..._make_orders_status_not_null.py instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6429789a1708"
down_revision: str | Sequence[str] | None = "df2a97f8038d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("orders", "status", existing_type=sa.String(20), nullable=False)


def downgrade() -> None:
    op.alter_column("orders", "status", existing_type=sa.String(20), nullable=True)
