"""Run PostgreSQL DDL with a lock timeout, and retry with exponential backoff when it times out.

Most `ALTER TABLE` forms need an ACCESS EXCLUSIVE lock. While a long transaction holds any lock
on the table (even a `SELECT`'s), the ALTER waits, and every query that arrives after it queues
behind the ALTER: one slow report plus one migration stops the application. With a
`lock_timeout` the ALTER gives up after a short wait instead, the queue drains, and
[`run_with_lock_timeout`][migration_handbook.locks.run_with_lock_timeout] tries again a little
later, up to a number of attempts.

SQLite has no lock queue to protect: one writer at a time holds the whole database's write
lock, readers never wait for it in WAL mode, and a waiting writer waits for `busy_timeout`.
There the statements are simply run, once, in a transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Executable

from migration_handbook.backfill import is_autocommit
from migration_handbook.errors import HandbookError

logger = logging.getLogger(__name__)

LOCK_NOT_AVAILABLE = "55P03"
"""PostgreSQL's SQLSTATE for `lock_timeout` expiring (and for `NOWAIT` failing)."""

Statement = str | Executable
"""SQL text or a SQLAlchemy statement."""


class LockTimeoutError(HandbookError):
    """Every attempt timed out waiting for a lock; the message says how to find the holder."""


@dataclass(frozen=True)
class LockReport:
    """How [`run_with_lock_timeout`][migration_handbook.locks.run_with_lock_timeout] went."""

    attempts: int
    """Attempts made, the successful one included (1 when the lock was free at once)."""
    seconds: float
    """Wall time, waits between attempts included."""


def run_with_lock_timeout(
    bind: Engine | Connection,
    statements: Statement | Sequence[Statement],
    *,
    lock_timeout: float = 1.0,
    attempts: int = 5,
    backoff: float = 0.5,
    max_backoff: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> LockReport:
    """Run DDL on PostgreSQL with `SET LOCAL lock_timeout`, retrying when the lock is busy.

    Each attempt is one short transaction: `SET LOCAL lock_timeout`, the statements, `COMMIT`.
    When PostgreSQL cancels a statement because the lock did not come in time (SQLSTATE
    55P03), the transaction is rolled back, which releases anything the attempt had taken,
    and the next attempt starts after `backoff`, then twice that, and so on up to
    `max_backoff` seconds. Any other error is raised at once.

    On a connection in AUTOCOMMIT mode (inside Alembic's `autocommit_block()`), each
    statement is its own transaction, so the timeout is set for the session and put back
    afterwards; with several statements, the ones before a timeout stay applied and are run
    again on retry, so give it one statement, or statements that are safe to repeat
    (`IF NOT EXISTS`).

    On SQLite the statements run once, in a transaction, without any timeout (see the module
    documentation for why). Python's `sqlite3` driver begins that transaction only at the first
    INSERT, UPDATE or DELETE, so DDL before it is not rolled back when a later statement fails.

    Args:
        bind: an `Engine` (a connection is opened and closed here), or a `Connection` not
            inside a transaction, or one in AUTOCOMMIT mode.
        statements: one statement or several, as SQL text or SQLAlchemy statements.
        lock_timeout: seconds each attempt may wait for a lock.
        attempts: attempts before giving up.
        backoff: seconds to wait after the first timeout; doubled after each further one.
        max_backoff: the longest wait between attempts.
        sleep: the function that waits (tests pass a fake one).

    Returns:
        A [`LockReport`][migration_handbook.locks.LockReport].

    Raises:
        LockTimeoutError: every attempt timed out.
        HandbookError: `bind` is a connection with a transaction in progress.
    """
    if attempts < 1 or lock_timeout <= 0:
        raise HandbookError(
            f"run_with_lock_timeout: attempts must be 1 or more ({attempts} given) and "
            f"lock_timeout a positive number of seconds ({lock_timeout} given)."
        )
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return run_with_lock_timeout(
                connection,
                statements,
                lock_timeout=lock_timeout,
                attempts=attempts,
                backoff=backoff,
                max_backoff=max_backoff,
                sleep=sleep,
            )
    todo = [statements] if isinstance(statements, str | Executable) else list(statements)
    autocommit = is_autocommit(bind)
    if not autocommit and bind.in_transaction():
        raise HandbookError(
            "run_with_lock_timeout: the connection is inside a transaction. Each attempt must be "
            "a transaction of its own, so that a timeout rolls back only the attempt: commit or "
            "roll back first, pass the Engine, or, inside an Alembic revision, call it within "
            "`with op.get_context().autocommit_block():`."
        )
    started = time.monotonic()
    if bind.dialect.name != "postgresql":
        with _transaction(bind, autocommit):
            for statement in todo:
                bind.execute(_executable(statement))
        return LockReport(attempts=1, seconds=time.monotonic() - started)
    milliseconds = max(1, round(lock_timeout * 1000))
    wait = backoff
    for attempt in range(1, attempts + 1):
        try:
            with _transaction(bind, autocommit), _lock_timeout(bind, milliseconds, autocommit):
                for statement in todo:
                    bind.execute(_executable(statement))
        except sa.exc.DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            if attempt == attempts:
                raise LockTimeoutError(
                    f"gave up after {attempts} attempts: {_first_line(todo[0])} did not get its "
                    f"lock within lock_timeout={milliseconds} ms, {time.monotonic() - started:.1f} s "
                    "in all. Another transaction holds a lock on the table; find it with "
                    "`SELECT pid, state, xact_start, query FROM pg_stat_activity WHERE pid = ANY "
                    "(pg_blocking_pids(<pid of the waiting migration>))` or in pg_locks. Run the "
                    "migration again when it has ended, or raise `attempts` / `lock_timeout`."
                ) from exc
            logger.warning(
                "attempt %d of %d: %s did not get its lock within %d ms; retrying in %.2f s",
                attempt,
                attempts,
                _first_line(todo[0]),
                milliseconds,
                wait,
            )
            sleep(wait)
            wait = min(wait * 2, max_backoff)
            continue
        return LockReport(attempts=attempt, seconds=time.monotonic() - started)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


@contextmanager
def _transaction(connection: Connection, autocommit: bool) -> Iterator[None]:
    if autocommit:
        yield
        return
    with connection.begin():
        yield


@contextmanager
def _lock_timeout(connection: Connection, milliseconds: int, autocommit: bool) -> Iterator[None]:
    setting = sa.text("SELECT set_config('lock_timeout', :value, :local)")
    if not autocommit:
        # SET LOCAL: ends with the attempt's transaction, whether it commits or rolls back.
        connection.execute(setting, {"value": f"{milliseconds}ms", "local": True})
        yield
        return
    previous = connection.execute(sa.text("SHOW lock_timeout")).scalar_one()
    connection.execute(setting, {"value": f"{milliseconds}ms", "local": False})
    try:
        yield
    finally:
        connection.execute(setting, {"value": previous, "local": False})


def _executable(statement: Statement) -> Executable:
    return sa.text(statement) if isinstance(statement, str) else statement


def _first_line(statement: Statement) -> str:
    text = statement if isinstance(statement, str) else str(statement)
    line = " ".join(text.split())
    return f"`{line[:80]}{'...' if len(line) > 80 else ''}`"
