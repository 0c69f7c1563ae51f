"""create feature_flags table

Revision ID: 7e73c721f985
Revises:
Create Date: 2024-05-06 11:00:00.000000+00:00

Guarded DDL: IF NOT EXISTS / IF EXISTS on every statement, so the revision can run again on a
database where part of it (or all of it) is already there: a run that failed half-way on a
backend without transactional DDL (SQLite), or a table someone created by hand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e73c721f985"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:guarded]
def upgrade() -> None:
    op.create_table(
        "feature_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_flags")),
        sa.UniqueConstraint("name", name=op.f("uq_feature_flags_name")),
        if_not_exists=True,
    )
    op.create_index(
        op.f("ix_feature_flags_enabled"), "feature_flags", ["enabled"], if_not_exists=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_feature_flags_enabled"), table_name="feature_flags", if_exists=True)
    op.drop_table("feature_flags", if_exists=True)


# --8<-- [end:guarded]
