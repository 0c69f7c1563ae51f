"""rename products.name to title

Revision ID: c128dd12b844
Revises: e1d2dd598e2e
Create Date: 2024-04-09 10:00:00.000000+00:00

Autogenerate proposed drop_column('name') + add_column('title'), which loses every name.
Reviewed and rewritten as a rename, which keeps the data.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c128dd12b844"
down_revision: str | Sequence[str] | None = "e1d2dd598e2e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --8<-- [start:rename]
def upgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.alter_column("name", new_column_name="title")


def downgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.alter_column("title", new_column_name="name")


# --8<-- [end:rename]
