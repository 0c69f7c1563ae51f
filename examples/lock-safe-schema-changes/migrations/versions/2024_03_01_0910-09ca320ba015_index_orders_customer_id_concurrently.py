"""index orders.customer_id concurrently

Revision ID: 09ca320ba015
Revises: df2a97f8038d
Create Date: 2024-03-01 09:10:00.000000+00:00

PostgreSQL: CREATE INDEX CONCURRENTLY takes a SHARE UPDATE EXCLUSIVE lock, so reads and writes
go on during the build. It cannot run inside a transaction, hence the autocommit block. A failed
concurrent build leaves an INVALID index behind, and `IF NOT EXISTS` would then skip the build
and keep the broken index: drop an invalid one first, so the revision can simply be run again.

SQLite: a plain CREATE INDEX (postgresql_concurrently is ignored there). SQLite has one writer
at a time anyway; the build holds the database's write lock until it commits.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "09ca320ba015"
down_revision: str | Sequence[str] | None = "df2a97f8038d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_orders_customer_id"


# --8<-- [start:invalid]
def invalid_index_exists(name: str) -> bool:
    """True if a failed CREATE INDEX CONCURRENTLY left the index `name` behind, INVALID."""
    query = sa.text(
        "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE c.relname = :name AND pg_catalog.pg_table_is_visible(c.oid)"
    )
    return bool(op.get_bind().execute(query, {"name": name}).scalar())


# --8<-- [end:invalid]


# --8<-- [start:upgrade]
def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.create_index(INDEX, "orders", ["customer_id"], if_not_exists=True)
        return
    with op.get_context().autocommit_block():
        if invalid_index_exists(INDEX):
            op.drop_index(INDEX, table_name="orders", postgresql_concurrently=True)
        op.create_index(
            INDEX, "orders", ["customer_id"], postgresql_concurrently=True, if_not_exists=True
        )


# --8<-- [end:upgrade]


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.drop_index(INDEX, table_name="orders", if_exists=True)
        return
    with op.get_context().autocommit_block():
        op.drop_index(INDEX, table_name="orders", postgresql_concurrently=True, if_exists=True)
