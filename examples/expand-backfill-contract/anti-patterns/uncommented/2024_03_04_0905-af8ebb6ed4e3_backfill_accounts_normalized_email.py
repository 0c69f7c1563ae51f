"""backfill accounts normalized_email

Revision ID: af8ebb6ed4e3
Revises: d14fe927eec7
Create Date: 2024-03-04 09:05:00.000000+00:00

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
    op.execute(
        sa.text(
            "UPDATE accounts SET normalized_email = lower(email) WHERE normalized_email IS NULL"
        )
    )


def downgrade() -> None:
    pass


# --8<-- [end:backfill]
