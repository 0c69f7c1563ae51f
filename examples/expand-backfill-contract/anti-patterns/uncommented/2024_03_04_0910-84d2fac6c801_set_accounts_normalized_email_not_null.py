"""set accounts normalized_email not null

Revision ID: 84d2fac6c801
Revises: af8ebb6ed4e3
Create Date: 2024-03-04 09:10:00.000000+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "84d2fac6c801"
down_revision: str | Sequence[str] | None = "af8ebb6ed4e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:contract]
def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("normalized_email", existing_type=sa.String(320), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("normalized_email", existing_type=sa.String(320), nullable=True)


# --8<-- [end:contract]
