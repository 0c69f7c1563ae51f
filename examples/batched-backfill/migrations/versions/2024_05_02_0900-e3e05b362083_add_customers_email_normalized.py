"""add customers.email_normalized, nullable

Revision ID: e3e05b362083
Revises: 3fb8a15116c1
Create Date: 2024-05-02 09:00:00.000000+00:00

Schema only: a nullable column without a default is a metadata change on every backend, so
this revision is instant however large the table is. The next revision fills it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3e05b362083"
down_revision: str | Sequence[str] | None = "3fb8a15116c1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("email_normalized", sa.String(320), nullable=True))


def downgrade() -> None:
    op.drop_column("customers", "email_normalized")
