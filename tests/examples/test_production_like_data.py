"""docs/best-practices/production-like-data.md: a migration that passes on an empty database
fails on generated, production-like rows (duplicate e-mails), on both backends; and why the
timed drop-column migration grows with the rows on SQLite only."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject
from migration_handbook.datagen import fill_tables
from tests.conftest import EXAMPLES

NAME = "transactional-migrations"
UNIQUE_EMAIL = ("7127cac97fa6", "905b6040636e")  # the last one builds a unique index on emails


def project_with_unique_email_revision(copy: Callable[[str], Path]) -> AlembicProject:
    root = copy(NAME)
    for revision in UNIQUE_EMAIL:
        (source,) = (EXAMPLES / NAME / "anti-patterns").glob(f"*-{revision}_*.py")
        shutil.copy(source, root / "migrations" / "versions" / source.name)
    return AlembicProject.load(root)


def test_passes_on_an_empty_database(engine: Engine, copy_example: Callable[[str], Path]) -> None:
    project = project_with_unique_email_revision(copy_example)
    command.upgrade(project.config(engine), "head")
    assert "uq_orders_customer_email" in {
        ix["name"] for ix in sa.inspect(engine).get_indexes("orders")
    }


def test_fails_on_production_like_rows(engine: Engine, copy_example: Callable[[str], Path]) -> None:
    project = project_with_unique_email_revision(copy_example)
    command.upgrade(project.config(engine), "7127cac97fa6")
    with engine.connect() as conn:
        fill_tables(conn, {"orders": 1_000}, seed=0)
    with pytest.raises(sa.exc.IntegrityError):
        command.upgrade(project.config(engine), "head")


def table_storage(engine: Engine, backend: str, table: str) -> int:
    """Where the table's rows live: PostgreSQL's file node, SQLite's root page."""
    query = {
        "postgresql": "SELECT relfilenode FROM pg_class WHERE relname = :t",
        "sqlite": "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = :t",
    }[backend]
    with engine.connect() as conn:
        return int(conn.execute(sa.text(query), {"t": table}).scalar_one())


def test_the_timed_drop_column_copies_the_table_on_sqlite_only(
    engine: Engine, backend: str
) -> None:
    # Why the page's drop-column line grows with the rows on SQLite and barely on PostgreSQL.
    project = AlembicProject.load(EXAMPLES / "backup-before-migrating")
    command.upgrade(project.config(engine), "a458e0d185d0")
    with engine.connect() as conn:
        fill_tables(conn, {"customers": 1_000}, seed=0)
    before = table_storage(engine, backend, "customers")
    command.upgrade(project.config(engine), "bb466659a330")  # drops customers.legacy_notes
    after = table_storage(engine, backend, "customers")
    if backend == "sqlite":
        assert after != before  # batch mode built a new table and copied every row into it
    else:
        assert after == before  # only the catalog changed: no row was written
