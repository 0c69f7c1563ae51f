"""migration_handbook.datagen: reproducible, production-like rows, inserted in bulk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from migration_handbook import AlembicProject
from migration_handbook.backup import table_checksums
from migration_handbook.databases import fresh_postgres_database, sqlite_url, url_text
from migration_handbook.datagen import DataGenerationError, fill_tables, generate_rows
from tests.conftest import EXAMPLES

PROJECT = EXAMPLES / "backup-before-migrating"
COUNTS = {"customers": 300, "orders": 2_000}


def filled(engine: Engine, seed: int) -> dict[str, object]:
    command.upgrade(AlembicProject.load(PROJECT).config(engine), "a458e0d185d0")
    with engine.connect() as conn:
        assert fill_tables(conn, COUNTS, seed=seed) == COUNTS
    with engine.connect() as conn:
        sums = table_checksums(conn)
    return {t: sums[t] for t in COUNTS}


def tables() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table(
        "accounts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("login", sa.String(320), unique=True, nullable=False),
        sa.Column("plan", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    return metadata


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    accounts = tables().tables["accounts"]
    first = list(generate_rows(accounts, 500, seed=7))
    assert first == list(generate_rows(accounts, 500, seed=7))
    assert first != list(generate_rows(accounts, 500, seed=8))


def test_values_are_skewed_nullable_and_duplicate_prone() -> None:
    rows = list(generate_rows(tables().tables["accounts"], 3_000, seed=0))
    assert [r["id"] for r in rows] == list(range(1, 3_001))
    emails = Counter(r["email"] for r in rows)
    assert emails.most_common(1)[0][1] >= 20  # a few customers own many rows
    assert len({e.lower() for e in emails}) < len(emails)  # same address, different case
    assert len({r["login"] for r in rows}) == 3_000  # unique columns stay unique
    nulls = sum(r["notes"] is None for r in rows) / len(rows)
    assert 0.15 < nulls < 0.25
    plans = Counter(r["plan"] for r in rows).most_common()
    assert plans[0][1] > 5 * plans[-1][1]  # a common value and rare ones


def test_foreign_keys_need_the_parents_count() -> None:
    metadata = sa.MetaData()
    sa.Table("parents", metadata, sa.Column("id", sa.Integer, primary_key=True))
    children = sa.Table(
        "children",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.ForeignKey("parents.id"), nullable=False),
    )
    with pytest.raises(DataGenerationError, match="children.parent_id references parents"):
        next(generate_rows(children, 1))
    ids = {r["parent_id"] for r in generate_rows(children, 1_000, parent_counts={"parents": 50})}
    assert ids <= set(range(1, 51))


def test_fill_names_a_missing_table(engine: Engine) -> None:
    with (
        engine.connect() as conn,
        pytest.raises(DataGenerationError, match="no table named orders"),
    ):
        fill_tables(conn, {"orders": 10})


@pytest.fixture
def second_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Another empty database of the test's backend, dropped afterwards."""
    if backend == "sqlite":
        yield url_text(sqlite_url(tmp_path, "second.db"))
        return
    server = request.getfixturevalue("postgres_server_url")
    with fresh_postgres_database(server, prefix="datagen_second") as url:
        yield url_text(url)


def test_fill_inserts_the_count_and_is_reproducible(
    engine: Engine, second_database_url: str
) -> None:
    first = filled(engine, seed=3)
    with engine.connect() as conn:
        orphans = conn.exec_driver_sql(
            "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
            "WHERE c.id IS NULL"
        ).scalar_one()
    assert orphans == 0
    # The same seed in a second database of the same backend: identical tables.
    other = sa.create_engine(second_database_url, poolclass=NullPool)
    try:
        assert filled(other, seed=3) == first
    finally:
        other.dispose()


def test_keys_keep_working_after_a_fill(engine: Engine) -> None:
    filled(engine, seed=0)
    with engine.begin() as conn:
        new_id = conn.execute(
            sa.text(
                "INSERT INTO customers (email, name) VALUES ('new@example.com', 'New') RETURNING id"
            )
        ).scalar_one()
    assert new_id == COUNTS["customers"] + 1
