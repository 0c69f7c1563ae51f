"""Helpers for lock tests on PostgreSQL: a writer that times its writes, and a lock watcher.

`ConcurrentWriter` plays the application: on its own connection it updates a random row every
few milliseconds and records how long each UPDATE took, so a test can tell whether a migration
blocked it, and for how long. `LockWatcher` polls `pg_locks` and records which lock modes other
sessions held on the tables a test names. Every wait is bounded: the writer's statements carry
a `statement_timeout`, and threads are joined with a timeout.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

JOIN_TIMEOUT_S = 20.0


def populate(engine: Engine, *, customers: int, orders: int) -> None:
    """Fill customers and orders with generate_series: every order valid, every status set."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO customers (id, name) "
                "SELECT g, 'customer ' || g FROM generate_series(1, :n) AS g"
            ),
            {"n": customers},
        )
        conn.execute(
            sa.text(
                "INSERT INTO orders (id, customer_id, status, amount) "
                "SELECT g, 1 + mod(g, :customers), 'new', mod(g, 100) "
                "FROM generate_series(1, :n) AS g"
            ),
            {"n": orders, "customers": customers},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE customers, orders")


@dataclass
class WriteLog:
    """What the writer saw: one latency (seconds) per completed UPDATE, and any error."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def worst(self) -> float:
        return max(self.latencies, default=0.0)


UPDATE_ONE = "UPDATE orders SET amount = amount + 1 WHERE id = :id"
SELECT_ONE = "SELECT amount FROM orders WHERE id = :id"


class ConcurrentWriter:
    """Update a random row of `orders` every `interval` seconds on a connection of its own.

    `sql=SELECT_ONE` makes it a reader instead, to see what blocks reads too.

    Use it as a context manager: entering waits until the first write has gone through;
    leaving stops the thread and waits (bounded) for the write in flight to finish.
    """

    def __init__(
        self,
        url: str,
        *,
        rows: int,
        sql: str = UPDATE_ONE,
        interval: float = 0.005,
        statement_timeout_ms: int = 10_000,
    ) -> None:
        self.log = WriteLog()
        self.pid: int | None = None
        self._engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._rows = rows
        self._sql = sa.text(sql)
        self._interval = interval
        self._timeout_ms = statement_timeout_ms
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="concurrent-writer", daemon=True)

    def _run(self) -> None:
        rng = random.Random(42)
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql(f"SET statement_timeout = {self._timeout_ms}")
                self.pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
                while not self._stop.is_set():
                    started = time.perf_counter()
                    conn.execute(self._sql, {"id": rng.randint(1, self._rows)}).close()
                    self.log.latencies.append(time.perf_counter() - started)
                    self._ready.set()
                    time.sleep(self._interval)
        except Exception as exc:  # reported by the test through log.errors
            self.log.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            self._ready.set()

    def __enter__(self) -> ConcurrentWriter:
        self._thread.start()
        if not self._ready.wait(JOIN_TIMEOUT_S):
            raise TimeoutError("the concurrent writer made no write within 20 s")
        if self.log.errors:
            raise RuntimeError(f"the concurrent writer failed to start: {self.log.errors}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(JOIN_TIMEOUT_S)
        self._engine.dispose()
        if self._thread.is_alive():
            raise TimeoutError("the concurrent writer did not stop within 20 s")


class LockWatcher:
    """Record the lock modes other sessions hold on `tables`, polling pg_locks every 10 ms."""

    def __init__(self, url: str, tables: tuple[str, ...] = ("orders", "customers")) -> None:
        self.seen: dict[str, set[str]] = {table: set() for table in tables}
        self.ignore_pids: set[int] = set()
        self._engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._tables = tables
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lock-watcher", daemon=True)
        self.errors: list[str] = []

    def _run(self) -> None:
        query = sa.text(
            "SELECT l.pid, c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.granted AND c.relname IN :tables AND l.pid <> pg_backend_pid()"
        ).bindparams(sa.bindparam("tables", expanding=True))
        try:
            with self._engine.connect() as conn:
                while not self._stop.is_set():
                    for pid, table, mode in conn.execute(query, {"tables": list(self._tables)}):
                        if pid not in self.ignore_pids:
                            self.seen[table].add(mode)
                    time.sleep(0.01)
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def __enter__(self) -> LockWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(JOIN_TIMEOUT_S)
        self._engine.dispose()
