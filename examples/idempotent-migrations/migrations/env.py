"""Alembic environment for the idempotent-migrations example.

The database comes from, in order:

1. `config.attributes["connection"]`: an Engine or a Connection passed in by a program or a
   test (`cfg.attributes["connection"] = engine; command.upgrade(cfg, "head")`);
2. the `DATABASE_URL` environment variable, e.g. `sqlite:///app.db` or
   `postgresql+psycopg://app@localhost/app`.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from feature_flags_app.models import metadata
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import Connection, Engine

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


def configure(**options: object) -> None:
    context.configure(
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=True,
        # One transaction per revision: a failure rolls back only the revision that failed.
        transaction_per_migration=True,
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
    with context.begin_transaction():
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
