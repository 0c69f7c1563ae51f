"""migration_handbook.datagen: reproducible, production-like rows, inserted in bulk."""

from __future__ import annotations

import datetime as dt
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
    picked = [r["parent_id"] for r in generate_rows(children, 1_000, parent_counts={"parents": 50})]
    assert set(picked) <= set(range(1, 51))
    busiest = Counter(picked).most_common(10)  # a fifth of the parents ...
    assert sum(count for _, count in busiest) > 500  # ... take most of the children


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


def test_each_column_kind_gets_the_spread_the_page_states() -> None:
    # The table of docs/best-practices/production-like-data.md, row by row.
    metadata = sa.MetaData()
    table = sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("happened_at", sa.DateTime, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    n = 10_000
    rows = list(generate_rows(table, n, seed=1))

    capitalised = sum(r["email"][0].isupper() for r in rows) / n
    assert 0.03 < capitalised < 0.07  # 5% with a capitalised first letter

    statuses = Counter(r["status"] for r in rows)
    assert 0.45 < statuses["new"] / n < 0.55  # `new` 50%
    assert 0.20 < statuses["paid"] / n < 0.30  # `paid` 25%
    assert 0.005 < statuses["on_hold"] / n < 0.02  # `on_hold` 1%
    assert statuses.most_common()[-1][0] == "on_hold"

    words = sorted(len(r["body"].split()) for r in rows)
    assert words[n // 2] <= 6 and words[-1] >= 30  # mostly few words, sometimes many

    quantities = sorted(r["quantity"] for r in rows)
    mean = sum(quantities) / n
    assert quantities[n // 2] < mean < quantities[-1] / 5  # many small values, a long tail

    epoch = dt.datetime(2026, 1, 1)
    times = [r["happened_at"] for r in rows]
    assert all(epoch - dt.timedelta(days=3 * 365) <= t <= epoch for t in times)
    last_year = sum(t >= epoch - dt.timedelta(days=365) for t in times)
    first_year = sum(t < epoch - dt.timedelta(days=2 * 365) for t in times)
    assert last_year > 2 * first_year  # denser towards the end

    active = sum(r["active"] for r in rows) / n
    assert 0.82 < active < 0.88  # 85% true


def test_overrides_replace_a_columns_made_up_values() -> None:
    accounts = tables().tables["accounts"]
    rows = list(generate_rows(accounts, 100, seed=0, overrides={"plan": lambda rng, i: "pro"}))
    assert {r["plan"] for r in rows} == {"pro"}


def test_rows_go_in_by_copy_on_postgresql_and_executemany_on_sqlite(
    engine: Engine, backend: str
) -> None:
    command.upgrade(AlembicProject.load(PROJECT).config(engine), "a458e0d185d0")
    inserts: list[bool] = []  # one entry per INSERT SQLAlchemy sent: was it an executemany?

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO"):
            inserts.append(executemany)

    with engine.connect() as conn:
        assert fill_tables(conn, COUNTS, seed=0) == COUNTS
    if backend == "postgresql":
        assert inserts == []  # COPY ... FROM STDIN, on psycopg's own cursor
    else:
        assert inserts == [True, True]  # one executemany per table (fewer rows than a chunk)
