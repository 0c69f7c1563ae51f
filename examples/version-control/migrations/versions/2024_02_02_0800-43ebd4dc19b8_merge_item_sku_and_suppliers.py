"""merge item sku and suppliers

Revision ID: 43ebd4dc19b8
Revises: 3427965639f8, ddf80cdad799
Create Date: 2024-02-02 08:00:00.000000+00:00

Made by `alembic merge heads -m "merge item sku and suppliers"` after both feature branches
reached main. It changes nothing; it joins the two heads into one.
"""

from collections.abc import Sequence

revision: str = "43ebd4dc19b8"
down_revision: str | Sequence[str] | None = ("3427965639f8", "ddf80cdad799")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
