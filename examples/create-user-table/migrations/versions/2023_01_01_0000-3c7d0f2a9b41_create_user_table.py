"""create_user_table

Revision ID: 3c7d0f2a9b41
Revises:
Create Date: 2023-01-01 00:00:00.000000+00:00

The source's create_user_table, made portable across SQLite and PostgreSQL:

- `server_default=sa.true()` instead of `'true'`: SQLite stores the string 'true' in a BOOLEAN
  column, which no query for active users matches.
- `server_default=sa.func.now()` instead of `sa.text('now()')`: SQLite has no now() function;
  SQLAlchemy renders func.now() as CURRENT_TIMESTAMP there.
- `DateTime(timezone=True)`: timestamptz on PostgreSQL, so now() does not depend on the
  session's TimeZone setting.
- String lengths, so the same migration also compiles for MySQL and MariaDB.
- No index on `id`: the primary key is already indexed; a second index only costs writes.
- Constraint names from the naming convention (pk_users), so later migrations can target them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c7d0f2a9b41"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("hashed_password", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_email"), table_name="users")
    op.drop_table("users")
