"""create feature_flags table (ANTI-PATTERN: unguarded DDL)

Revision ID: 7e73c721f985
Revises:
Create Date: 2024-05-06 11:00:00.000000+00:00

The same revision without IF NOT EXISTS: run again where the table is already there (a
half-applied run on SQLite, a table created by hand) it fails with "table feature_flags
already exists". Not part of the example's history: the tests copy it over the good one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e73c721f985"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feature_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_flags")),
        sa.UniqueConstraint("name", name=op.f("uq_feature_flags_name")),
    )
    op.create_index(op.f("ix_feature_flags_enabled"), "feature_flags", ["enabled"])


def downgrade() -> None:
    op.drop_index(op.f("ix_feature_flags_enabled"), table_name="feature_flags")
    op.drop_table("feature_flags")
