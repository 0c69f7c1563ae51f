"""Migration tests for this project: copy this file into your own project's tests/ folder.

Run them on the backend production runs, not only on SQLite:

    MIGRATIONS_TEST_DATABASE_URL=postgresql+psycopg://postgres@localhost:5432/postgres \
        pytest tests/test_migrations.py

The URL names a PostgreSQL server and a database the tests can connect to; each test creates
a fresh database on that server and drops it afterwards. `MIGRATIONS_TEST_DATABASE_URL=sqlite://`
gives each test a new SQLite file instead: quick, and not what production runs.
"""

from __future__ import annotations

import decimal
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.pool import NullPool

from migration_handbook import AlembicProject, check_migrations
from migration_handbook.databases import fresh_postgres_database, url_text, with_psycopg

PROJECT = Path(__file__).resolve().parents[1]  # the folder that holds alembic.ini
URL_VARIABLE = "MIGRATIONS_TEST_DATABASE_URL"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on the server in MIGRATIONS_TEST_DATABASE_URL, dropped afterwards."""
    configured = os.environ.get(URL_VARIABLE)
    if not configured:
        pytest.fail(
            f"{URL_VARIABLE} is not set. Set it to a server of the kind production runs, e.g. "
            f"{URL_VARIABLE}=postgresql+psycopg://postgres@localhost:5432/postgres "
            f"(or {URL_VARIABLE}=sqlite:// for a quick local run on SQLite)."
        )
    server = with_psycopg(configured)
    if server.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with fresh_postgres_database(server, prefix="test_migrations") as url:
        yield url_text(url)


def test_migrations_pass_the_harness(database_url: str) -> None:
    """Each revision up, down and up again; models match at head; server defaults work."""
    check_migrations(AlembicProject.load(PROJECT), database_url)


def test_existing_rows_survive_the_upgrade(database_url: str) -> None:
    """Production has rows: upgrade a database that holds some, and read them back."""
    project = AlembicProject.load(PROJECT)
    engine = sa.create_engine(database_url, poolclass=NullPool)
    try:
        command.upgrade(project.config(engine), "3f788ff347a8")
        orders = sa.table(
            "orders", sa.column("id"), sa.column("customer_email"), sa.column("total")
        )
        with engine.begin() as conn:
            conn.execute(orders.insert().values(customer_email="ada@example.com", total=12))
        command.upgrade(project.config(engine), "head")
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT customer_email, total, is_paid FROM orders")).one()
        assert row.customer_email == "ada@example.com"
        assert decimal.Decimal(row.total) == 12
        assert not row.is_paid
    finally:
        engine.dispose()
