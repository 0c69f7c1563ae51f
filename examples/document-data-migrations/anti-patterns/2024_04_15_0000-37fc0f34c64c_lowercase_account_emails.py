"""lowercase account emails

Revision ID: 37fc0f34c64c
Revises: 08de45803657
Create Date: 2024-04-15 00:00:00.000000+00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "37fc0f34c64c"
down_revision: str | Sequence[str] | None = "08de45803657"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE accounts SET email = lower(email) WHERE email <> lower(email)")


def downgrade() -> None:
    pass
