"""migration_handbook.locks: DDL that gives up instead of stopping the application.

The lock-queue tests run on PostgreSQL only: they are about PostgreSQL's table lock queue.
SQLite has one database-wide write lock and no queue of table locks; there the helper just runs
the statement (tested on both backends below).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

from migration_handbook.errors import HandbookError
from migration_handbook.locks import LockTimeoutError, run_with_lock_timeout

ALTER = "ALTER TABLE accounts ADD COLUMN note text"
APP_QUERY = "SELECT count(*) FROM accounts"
GUARD = "SET statement_timeout = '15s'"  # no statement in these tests can hang for ever
LOCK_TIMEOUT = 0.3
BOUND = LOCK_TIMEOUT + 0.2  # what the page promises the application's query waits at most


@pytest.fixture
def accounts(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE accounts (id integer PRIMARY KEY, balance integer)"))
        conn.execute(sa.text("INSERT INTO accounts VALUES (1, 10), (2, 20)"))
    return engine


class Worker(threading.Thread):
    """Runs `work` on a connection of its own; keeps its result, error and timing."""

    def __init__(self, engine: Engine, work: Callable[[Connection], Any]) -> None:
        super().__init__(daemon=True)
        self.engine, self.work = engine, work
        self.result: Any = None
        self.error: BaseException | None = None
        self.started_at = self.ended_at = 0.0

    def run(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text(GUARD))
                conn.commit()
                self.started_at = time.monotonic()
                self.result = self.work(conn)
                conn.commit()
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.ended_at = time.monotonic()

    @property
    def waited(self) -> float:
        return self.ended_at - self.started_at

    def finish(self) -> None:
        self.join(timeout=20)
        assert not self.is_alive(), "a worker thread did not finish in 20 s"


@contextmanager
def holder(engine: Engine) -> Iterator[Connection]:
    """A transaction that has read the table: it holds ACCESS SHARE until it ends."""
    with engine.connect() as conn:
        conn.execute(sa.text(GUARD))
        conn.execute(sa.text(APP_QUERY))
        try:
            yield conn
        finally:
            conn.rollback()


def wait_for_lock_waiters(engine: Engine, count: int) -> None:
    """Block until `count` sessions of this database wait for a lock (at most 10 s)."""
    deadline = time.monotonic() + 10
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            conn.rollback()
            if waiting >= count:
                return
            time.sleep(0.01)
    raise AssertionError(f"fewer than {count} sessions were waiting for a lock after 10 s")


def app_query(conn: Connection) -> int:
    return int(conn.execute(sa.text(APP_QUERY)).scalar_one())


@pytest.mark.backends("postgresql")
def test_plain_alter_queues_the_application_until_the_holder_ends(accounts: Engine) -> None:
    with holder(accounts) as held:
        alter = Worker(accounts, lambda conn: conn.execute(sa.text(ALTER)))
        alter.start()
        wait_for_lock_waiters(accounts, 1)
        app = Worker(accounts, app_query)
        app.start()
        wait_for_lock_waiters(accounts, 2)  # the SELECT queues behind the waiting ALTER
        time.sleep(0.5)
        released_at = time.monotonic()
        held.rollback()
    app.finish()
    alter.finish()
    assert app.error is None and alter.error is None
    assert app.ended_at >= released_at  # blocked until the holder ended
    assert app.waited >= 0.5


@pytest.mark.backends("postgresql")
def test_with_the_helper_the_alter_gives_up_and_the_application_goes_on(
    accounts: Engine,
) -> None:
    with holder(accounts):
        alter = Worker(
            accounts,
            lambda conn: run_with_lock_timeout(conn, ALTER, lock_timeout=LOCK_TIMEOUT, attempts=1),
        )
        alter.start()
        wait_for_lock_waiters(accounts, 1)
        app = Worker(accounts, app_query)
        app.start()
        app.finish()
        alter.finish()
    released_at = time.monotonic()
    assert app.error is None and app.result == 2
    assert app.ended_at < released_at  # answered while the holder still held its lock
    assert app.waited < BOUND
    assert isinstance(alter.error, LockTimeoutError)
    assert "gave up after 1 attempts" in str(alter.error)
    assert "pg_blocking_pids" in str(alter.error)
    assert "note" not in {c["name"] for c in sa.inspect(accounts).get_columns("accounts")}


@pytest.mark.backends("postgresql")
def test_a_retry_succeeds_once_the_holder_commits(
    accounts: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with holder(accounts) as held:
        alter = Worker(
            accounts,
            lambda conn: run_with_lock_timeout(
                conn, ALTER, lock_timeout=0.2, attempts=10, backoff=0.1, max_backoff=0.5
            ),
        )
        alter.start()
        time.sleep(0.6)  # the first attempts time out meanwhile
        held.rollback()
    alter.finish()
    assert alter.error is None
    assert alter.result.attempts >= 2
    assert "attempt 1 of 10" in caplog.text
    assert "note" in {c["name"] for c in sa.inspect(accounts).get_columns("accounts")}


@pytest.mark.backends("postgresql")
def test_autocommit_connection_gets_its_lock_timeout_back(accounts: Engine) -> None:
    with accounts.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")  # as in autocommit_block()
        conn.execute(sa.text("SET lock_timeout = '7s'"))
        report = run_with_lock_timeout(conn, ALTER, lock_timeout=LOCK_TIMEOUT)
        assert report.attempts == 1
        assert conn.execute(sa.text("SHOW lock_timeout")).scalar_one() == "7s"


def test_a_free_table_is_altered_at_the_first_attempt(accounts: Engine) -> None:
    report = run_with_lock_timeout(accounts, [ALTER, "UPDATE accounts SET note = 'x'"])
    assert report.attempts == 1
    with accounts.connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM accounts")).scalars().all() == ["x", "x"]


def test_a_connection_inside_a_transaction_is_refused(accounts: Engine) -> None:
    with accounts.connect() as conn:
        conn.execute(sa.text(APP_QUERY))
        with pytest.raises(HandbookError, match="inside a transaction"):
            run_with_lock_timeout(conn, ALTER)


def test_inside_an_alembic_autocommit_block(accounts: Engine) -> None:
    with accounts.connect() as conn:
        context = MigrationContext.configure(conn)
        op = Operations(context)
        with context.begin_transaction(), context.autocommit_block():
            report = run_with_lock_timeout(op.get_bind(), ALTER, lock_timeout=LOCK_TIMEOUT)
    assert report.attempts == 1
    assert "note" in {c["name"] for c in sa.inspect(accounts).get_columns("accounts")}


@pytest.mark.backends("postgresql")
def test_the_waits_between_attempts_double_up_to_max_backoff(accounts: Engine) -> None:
    waits: list[float] = []  # the helper's `sleep` parameter: record the waits, don't sleep
    with holder(accounts):
        with pytest.raises(LockTimeoutError, match="gave up after 6 attempts"):
            run_with_lock_timeout(
                accounts, ALTER, lock_timeout=0.05, attempts=6, max_backoff=3.0, sleep=waits.append
            )
    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0]  # the defaults: 0.5 s, then doubled, capped


@pytest.mark.backends("sqlite")
def test_on_sqlite_ddl_before_the_first_dml_is_not_rolled_back(accounts: Engine) -> None:
    # Python's sqlite3 driver sends BEGIN only before INSERT/UPDATE/DELETE: the ALTER commits
    # by itself, the UPDATE after it is rolled back with the failing statement.
    with pytest.raises(sa.exc.OperationalError, match="no such column: missing"):
        run_with_lock_timeout(
            accounts, [ALTER, "UPDATE accounts SET note = 'x'", "SELECT missing FROM accounts"]
        )
    with accounts.connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM accounts")).scalars().all() == [None, None]
