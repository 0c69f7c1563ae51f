"""examples/batched-backfill: a data migration that backfills in committed keyset batches."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, check_migrations
from migration_handbook.backfill import BackfillError
from tests.conftest import EXAMPLES

PROJECT = EXAMPLES / "batched-backfill"
ADD_COLUMN = "e3e05b362083"
BACKFILL = "4046649845ad"
ROWS = 25_000  # three batches of the revision's 10,000


def at_add_column_with_rows(engine: Engine) -> AlembicProject:
    project = AlembicProject.load(PROJECT)
    command.upgrade(project.config(engine), ADD_COLUMN)
    customers = sa.table("customers", sa.column("id"), sa.column("email"))
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [{"id": i, "email": f"  User{i}@Example.COM "} for i in range(1, ROWS + 1)],
        )
    return project


def normalized(engine: Engine) -> list[tuple[int, str | None]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(sa.text("SELECT id, email_normalized FROM customers ORDER BY id"))
        ]  # type: ignore[misc]


def backfill_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "migration_handbook.backfill"]


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == ["3fb8a15116c1", ADD_COLUMN, BACKFILL]


def test_upgrade_fills_every_row_in_batches(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    project = at_add_column_with_rows(engine)
    with caplog.at_level(logging.INFO, logger="migration_handbook.backfill"):
        command.upgrade(project.config(engine), "head")
    assert normalized(engine) == [(i, f"user{i}@example.com") for i in range(1, ROWS + 1)]
    assert backfill_messages(caplog)[-1].startswith(
        "backfill customers: done, 25,000 rows in 3 batches"
    )


def test_a_rerun_after_an_interruption_skips_finished_rows(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    project = at_add_column_with_rows(engine)
    # What an interrupted run leaves: the first batch committed, the revision not recorded.
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE customers SET email_normalized = lower(trim(email)) WHERE id <= 10000")
        )
    with caplog.at_level(logging.INFO, logger="migration_handbook.backfill"):
        command.upgrade(project.config(engine), "head")
    assert (
        backfill_messages(caplog)[0]
        == "backfill customers: 15,000 rows to change, batches of 10000"
    )
    assert normalized(engine) == [(i, f"user{i}@example.com") for i in range(1, ROWS + 1)]


def test_downgrade_empties_the_column_again(engine: Engine) -> None:
    project = at_add_column_with_rows(engine)
    command.upgrade(project.config(engine), "head")
    command.downgrade(project.config(engine), ADD_COLUMN)
    assert {value for _, value in normalized(engine)} == {None}


def test_offline_sql_says_it_cannot_render_a_batched_backfill(
    monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    project = AlembicProject.load(PROJECT)
    with pytest.raises(
        BackfillError, match=r"cannot be rendered as SQL \(`alembic upgrade --sql`\)"
    ):
        command.upgrade(project.config(), f"{ADD_COLUMN}:head", sql=True)


def test_a_connection_already_in_a_transaction_gets_a_clear_error(engine: Engine) -> None:
    project = at_add_column_with_rows(engine)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))  # SQLAlchemy begins a transaction here
        with pytest.raises(BackfillError, match=r"`engine.connect\(\)`, not `engine.begin\(\)`"):
            command.upgrade(project.config(conn), "head")
