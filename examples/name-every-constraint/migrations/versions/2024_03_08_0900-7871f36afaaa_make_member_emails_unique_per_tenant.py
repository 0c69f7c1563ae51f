"""make member emails unique per tenant

Revision ID: 7871f36afaaa
Revises: fbd54c8a0089
Create Date: 2024-03-08 09:00:00.000000+00:00

Replaces the unique constraint on email with one on (tenant_id, email). The constraints are
found by the names revision fbd54c8a0089 gave them; batch mode (SQLite) rebuilds the table and
keeps every named constraint it reflects.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7871f36afaaa"
down_revision: str | Sequence[str] | None = "fbd54c8a0089"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:upgrade]
def upgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(
            sa.Column("tenant_id", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.drop_constraint("uq_members_email", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_members_tenant_id"), ["tenant_id", "email"])


def downgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_constraint("uq_members_tenant_id", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_members_email"), ["email"])
        batch_op.drop_column("tenant_id")


# --8<-- [end:upgrade]
