"""create feature_flags table (ANTI-PATTERN: guard by inspecting the database)

Revision ID: 7e73c721f985
Revises:
Create Date: 2024-05-06 11:00:00.000000+00:00

Re-runnable online, but `alembic upgrade --sql` cannot render it: offline there is no
database to inspect. Not part of the example's history: the tests copy it over the good one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e73c721f985"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:inspector_guard]
def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "feature_flags" not in inspector.get_table_names():
        op.create_table(
            "feature_flags",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_flags")),
            sa.UniqueConstraint("name", name=op.f("uq_feature_flags_name")),
        )
    indexes = {ix["name"] for ix in inspector.get_indexes("feature_flags")}
    if "ix_feature_flags_enabled" not in indexes:
        op.create_index(op.f("ix_feature_flags_enabled"), "feature_flags", ["enabled"])


# --8<-- [end:inspector_guard]


def downgrade() -> None:
    op.drop_index(op.f("ix_feature_flags_enabled"), table_name="feature_flags")
    op.drop_table("feature_flags")
