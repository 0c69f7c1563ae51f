"""add nullable normalized_email to accounts

Revision ID: d14fe927eec7
Revises: 3e4ba898393b
Create Date: 2024-03-04 09:00:00.000000+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d14fe927eec7"
down_revision: str | Sequence[str] | None = "3e4ba898393b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:expand]
def upgrade() -> None:
    op.add_column("accounts", sa.Column("normalized_email", sa.String(320), nullable=True))


def downgrade() -> None:
    op.drop_column("accounts", "normalized_email")


# --8<-- [end:expand]
