"""migration_handbook.backfill: batched, keyset, re-runnable backfills on every backend."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from migration_handbook.backfill import (
    BackfillError,
    BatchProgress,
    CopyRows,
    backfill,
)

metadata = sa.MetaData()
items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("price", sa.Integer, nullable=False),
    sa.Column("price_cents", sa.Integer, nullable=True),
    # How many times the backfill changed this row: proves "exactly once".
    sa.Column("touched", sa.Integer, nullable=False, server_default="0"),
)
archive = sa.Table(
    "items_archive",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("price_cents", sa.Integer, nullable=False),
)

FILL = {"price_cents": "price * 100", "touched": "touched + 1"}
TODO = "price_cents IS NULL"


def make_items(engine: Engine, ids: list[int]) -> None:
    metadata.create_all(engine)
    if ids:
        with engine.begin() as conn:
            conn.execute(items.insert(), [{"id": i, "price": i % 97} for i in ids])


def rows(engine: Engine) -> list[tuple[int, int, int | None, int]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(items).order_by(items.c.id))]  # type: ignore[misc]


def test_result_equals_a_single_update(engine: Engine, tmp_path: object) -> None:
    make_items(engine, list(range(1, 1001)))
    report = backfill(engine, "items", values=FILL, where=TODO, batch_size=64)
    batched = rows(engine)
    with engine.begin() as conn:
        conn.execute(sa.update(items).values(price_cents=None, touched=0))
        conn.execute(sa.text("UPDATE items SET price_cents = price * 100, touched = touched + 1"))
    assert batched == rows(engine)
    assert report.rows == 1000
    assert report.batches == 16  # ceil(1000 / 64)
    assert report.seconds > 0


def test_a_run_killed_part_way_is_finished_by_a_rerun_exactly_once(engine: Engine) -> None:
    make_items(engine, list(range(1, 501)))

    def crash_after_third(progress: BatchProgress) -> None:
        if progress.batch == 3:
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        backfill(
            engine, "items", values=FILL, where=TODO, batch_size=50, on_batch=crash_after_third
        )
    half = rows(engine)
    assert sum(1 for r in half if r[3] == 1) == 150  # three committed batches survive
    assert all(r[3] == 0 for r in half if r[2] is None)

    report = backfill(engine, "items", values=FILL, where=TODO, batch_size=50)
    assert report.rows == 350
    assert report.batches == 7
    done = rows(engine)
    assert all(r[2] == r[1] * 100 and r[3] == 1 for r in done)


def test_an_empty_table_does_nothing(engine: Engine) -> None:
    make_items(engine, [])
    report = backfill(engine, "items", values=FILL, where=TODO, batch_size=10)
    assert (report.rows, report.batches) == (0, 0)


def test_gaps_in_the_keys_are_neither_skipped_nor_repeated(engine: Engine) -> None:
    ids = [1, 2, 3, 1000, 1001, 50_000, 50_002, 1_000_000, 2_000_000_000]
    make_items(engine, ids)
    seen: list[BatchProgress] = []
    report = backfill(engine, "items", values=FILL, where=TODO, batch_size=2, on_batch=seen.append)
    assert [p.batch_rows for p in seen] == [2, 2, 2, 2, 1]  # full batches despite the gaps
    assert [p.last_key for p in seen] == [2, 1000, 50_000, 1_000_000, 2_000_000_000]
    assert report.rows == len(ids)
    assert all(r[2] == r[1] * 100 and r[3] == 1 for r in rows(engine))


def test_rows_already_done_are_not_touched(engine: Engine) -> None:
    make_items(engine, list(range(1, 101)))
    with engine.begin() as conn:
        conn.execute(sa.update(items).where(items.c.id % 2 == 0).values(price_cents=-1))
    report = backfill(
        engine,
        "items",
        values=FILL,
        where="price_cents IS NULL AND price >= :low",
        params={"low": 0},
        batch_size=7,
    )
    assert report.rows == 50
    assert all((r[2], r[3]) == (-1, 0) for r in rows(engine) if r[0] % 2 == 0)


def test_insert_select_copies_rows_in_batches(engine: Engine) -> None:
    make_items(engine, list(range(1, 301)))
    copy = CopyRows("items_archive", {"id": "id", "price_cents": "price * 100"})
    not_copied = "NOT EXISTS (SELECT 1 FROM items_archive a WHERE a.id = items.id)"
    report = backfill(engine, "items", copy_to=copy, where=not_copied, batch_size=40)
    assert (report.rows, report.batches) == (300, 8)
    again = backfill(engine, "items", copy_to=copy, where=not_copied, batch_size=40)
    assert (again.rows, again.batches) == (0, 0)
    with engine.connect() as conn:
        copied = conn.execute(sa.select(archive).order_by(archive.c.id)).all()
    assert [tuple(r) for r in copied] == [(i, (i % 97) * 100) for i in range(1, 301)]


def test_progress_is_logged(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    make_items(engine, list(range(1, 201)))
    with caplog.at_level(logging.INFO, logger="migration_handbook.backfill"):
        backfill(engine, "items", values=FILL, where=TODO, batch_size=50, log_every=0)
    messages = [r.getMessage() for r in caplog.records if r.name == "migration_handbook.backfill"]
    assert messages[0] == "backfill items: 200 rows to change, batches of 50"
    assert messages[1].startswith("backfill items: 50/200 rows (25.0%), 1 batch, ")
    assert "rows/s, about " in messages[1] and messages[1].endswith(" left")
    assert len(messages) == 6  # start, four batches, done
    assert messages[-1].startswith("backfill items: done, 200 rows in 4 batches, ")


def test_progress_bar_on_request(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    make_items(engine, list(range(1, 101)))
    backfill(engine, "items", values=FILL, where=TODO, batch_size=50, progress_bar=True)
    err = capsys.readouterr().err
    assert "\r[###############...............] 50/100 rows (50.0%)" in err
    assert "\r[##############################] 100/100 rows (100.0%)" in err


def test_no_progress_bar_by_default_when_stderr_is_not_a_terminal(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    make_items(engine, list(range(1, 101)))
    backfill(engine, "items", values=FILL, where=TODO, batch_size=50)
    assert "[#" not in capsys.readouterr().err  # pytest's captured stderr is not a terminal


def test_a_connection_inside_a_transaction_is_refused(engine: Engine) -> None:
    make_items(engine, [1])
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))  # autobegins a transaction
        with pytest.raises(BackfillError, match="inside a transaction"):
            backfill(conn, "items", values=FILL, where=TODO)


def test_a_python_value_must_be_wrapped(engine: Engine) -> None:
    make_items(engine, [1])
    with pytest.raises(BackfillError, match=r"sa.literal\(value\)"):
        backfill(engine, "items", values={"price_cents": 5}, where=TODO)  # type: ignore[dict-item]
    report = backfill(engine, "items", values={"price_cents": sa.literal(5)}, where=TODO)
    assert report.rows == 1


def test_keyset_batches_commit_one_by_one_and_never_use_offset(engine: Engine) -> None:
    make_items(engine, list(range(1, 201)))
    statements: list[tuple[str, object]] = []
    seen_by_others: list[tuple[int, int]] = []  # (rows the helper reports, rows another sees)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement.upper(), parameters))

    def after_batch(progress: BatchProgress) -> None:
        with engine.connect() as other:  # another connection sees only committed rows
            done = other.execute(
                sa.text("SELECT count(*) FROM items WHERE price_cents IS NOT NULL")
            ).scalar_one()
        seen_by_others.append((progress.rows, done))

    backfill(engine, "items", values=FILL, where=TODO, batch_size=50, on_batch=after_batch)
    assert seen_by_others == [(50, 50), (100, 100), (150, 150), (200, 200)]
    keysets = [(s, p) for s, p in statements if "ORDER BY" in s and "LIMIT" in s]
    assert len(keysets) == 5  # one per batch, and one that finds nothing left
    # SQLAlchemy's SQLite dialect always writes `LIMIT ? OFFSET ?`: the offset must be 0 there.
    # No batch skips rows by an offset; each starts after the last key instead.
    for statement, parameters in keysets:
        assert "OFFSET" not in statement or list(parameters)[-1] == 0, (statement, parameters)  # type: ignore[call-overload]
    assert sum(" > " in s for s, _ in keysets) == 4


def test_pause_sleeps_after_every_batch(engine: Engine) -> None:
    make_items(engine, list(range(1, 201)))
    report = backfill(engine, "items", values=FILL, where=TODO, batch_size=50, pause=0.1)
    assert report.batches == 4
    assert report.seconds >= 0.4  # four pauses of 0.1 s; a lower bound holds on a busy machine
