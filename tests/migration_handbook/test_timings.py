"""migration_handbook.timings: a smoke run at tiny sizes, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy.pool import NullPool

from migration_handbook.timings import (
    MigrationCase,
    Timing,
    handbook_cases,
    main,
    markdown,
    time_migration,
)
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("case", handbook_cases(EXAMPLES), ids=lambda c: c.revision)
def test_times_each_handbook_case_on_a_filled_database(
    case: MigrationCase, database_url: str
) -> None:
    seconds = time_migration(case, database_url, 50)
    assert 0 < seconds < 60
    with sa.create_engine(database_url, poolclass=NullPool).connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == (case.revision,)
        (table,) = case.counts(50)
        assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 50


def test_markdown_names_machine_versions_and_sizes() -> None:
    text = markdown(
        [Timing("index x", "sqlite", 10, 0.0123), Timing("index x", "sqlite", 100, 12.5)],
        {"sqlite": "3.40.1"},
        repeats=3,
        seed=0,
    )
    assert "CPU cores" in text and "SQLite 3.40.1" in text and "Median of 3 runs" in text
    assert "| index x | SQLite | 12.3 ms | 12.5 s |" in text


def test_command_line_writes_the_table(tmp_path: Path) -> None:
    # Run for SQLite only: for PostgreSQL the command line starts a server of its own; the
    # PostgreSQL timing path itself is covered by the first test.
    output = tmp_path / "timings.md"
    main(
        [str(output), "--sizes", "20", "40", "--repeats", "1", "--backends", "sqlite"]
        + ["--examples", str(EXAMPLES)]
    )
    text = output.read_text()
    assert text.count("| SQLite |") == 2 and "40 rows" in text
