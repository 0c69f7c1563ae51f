"""index product name

Revision ID: 02d751d2e334
Revises: 206e15258427
Create Date: 2024-03-10 00:00:00.000000+00:00

Old history, replaced by the baseline ac717088bbfe. The last revision before the squash:
squash_catalog.baseline.OLD_HEAD.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "02d751d2e334"
down_revision: str | Sequence[str] | None = "206e15258427"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_products_name"), "products", ["name"])


def downgrade() -> None:
    op.drop_index(op.f("ix_products_name"), table_name="products")
