"""Alembic environment for the transactional-migrations example.

The handbook's reference env.py (see create-user-table), plus one fix for SQLite: Python's
sqlite3 driver does not send BEGIN before DDL, so without the fix every CREATE / ALTER / DROP
commits the moment it runs, and a revision that fails half-way leaves half its schema behind.

The database comes from, in order:

1. `config.attributes["connection"]`: an Engine or a Connection passed in by a program or a
   test (`cfg.attributes["connection"] = engine; command.upgrade(cfg, "head")`);
2. the `DATABASE_URL` environment variable, e.g. `sqlite:///app.db` or
   `postgresql+psycopg://app@localhost/app`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, event, pool
from sqlalchemy.engine import Connection, Engine
from txn_shop.models import metadata

config = context.config

# Programs that run migrations in-process (tests, notebooks) keep their own logging.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit(
            "DATABASE_URL is not set. Set it to the database to migrate, for example\n"
            "  DATABASE_URL=sqlite:///app.db alembic upgrade head\n"
            "  DATABASE_URL=postgresql+psycopg://app@localhost/app alembic upgrade head"
        )
    return url


# --8<-- [start:sqlite-fix]
@contextmanager
def sqlite_transactional_ddl(connection: Connection) -> Iterator[None]:
    """Send BEGIN whenever SQLAlchemy starts a transaction, so SQLite DDL can roll back.

    Python's sqlite3 module (before Python 3.16's default change) only opens a transaction
    before INSERT, UPDATE and DELETE: a CREATE TABLE that comes first commits on its own.
    This is SQLAlchemy's documented recipe ("Using SQLAlchemy to emit BEGIN"), attached to the
    migration's connection only, and removed again afterwards.
    """
    if connection.dialect.name != "sqlite":
        yield
        return

    def begin(conn: Connection) -> None:
        # autocommit_block() asks for AUTOCOMMIT: leave those statements outside a transaction.
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            conn.exec_driver_sql("BEGIN")

    event.listen(connection, "begin", begin)
    try:
        yield
    finally:
        event.remove(connection, "begin", begin)


# --8<-- [end:sqlite-fix]


def configure(**options: object) -> None:
    context.configure(
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=True,
        # One transaction per revision: a failure rolls back only the revision that failed.
        transaction_per_migration=True,
        # Alembic assumes SQLite DDL is not transactional; with the BEGIN above it is.
        transactional_ddl=True,
        **options,
    )


def run_migrations_offline() -> None:
    """`alembic upgrade --sql`: print the SQL instead of running it."""
    configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_on(connection: Connection) -> None:
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with sqlite_transactional_ddl(connection), context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if isinstance(connectable, Connection):
        run_migrations_on(connectable)
        return
    if not isinstance(connectable, Engine):
        connectable = create_engine(database_url(), poolclass=pool.NullPool)
    with connectable.connect() as connection:
        run_migrations_on(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
