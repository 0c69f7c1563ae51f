"""examples/lock-safe-schema-changes: lock-safe PostgreSQL patterns, and what SQLite does instead.

The PostgreSQL tests run each pattern on a populated orders table while a writer thread updates
random rows every 5 ms on its own connection, and record how long each of its writes waited.
The unsafe revisions (examples/lock-safe-schema-changes/anti-patterns/) run inside a transaction
held open for HOLD_S, standing in for the scan or rewrite of a large table: the writer must wait
about that long. The long step of each safe form is held open just as long: the writer must not
wait more than SAFE_WORST_S.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, check_migrations
from migration_handbook.runner import MigrationRunner
from tests.conftest import EXAMPLES
from tests.examples.concurrent_writer import SELECT_ONE, ConcurrentWriter, LockWatcher, populate

PROJECT = EXAMPLES / "lock-safe-schema-changes"
ANTI_PATTERNS = PROJECT / "anti-patterns"
CREATE, INDEX, CONSTRAINTS, NOT_NULL, CURRENCY = (
    "df2a97f8038d",
    "09ca320ba015",
    "705bebd27ae5",
    "7a0eadc5f271",
    "b02e68487c6f",
)
CUSTOMERS, ORDERS = 1_000, 30_000
HOLD_S = 1.0
"""How long a test keeps a migration's transaction (or a safe form's long step) open."""
BLOCKED_AT_LEAST_S = 0.8
"""An unsafe form held open HOLD_S must make the writer wait at least this long."""
SAFE_WORST_S = 0.5
"""A safe form must never make the writer wait longer than this (generous for a busy 2-core box)."""

BLOCKS_WRITES = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}
"""The lock modes that conflict with ROW EXCLUSIVE, the lock every INSERT, UPDATE, DELETE takes."""

postgresql_only = pytest.mark.backends("postgresql")


def project() -> AlembicProject:
    return AlembicProject.load(PROJECT)


def upgrade(engine: Engine, revision: str, proj: AlembicProject | None = None) -> None:
    command.upgrade((proj or project()).config(engine), revision)


@pytest.fixture
def populated(engine: Engine) -> Engine:
    """The database at the first revision, with CUSTOMERS customers and ORDERS orders."""
    upgrade(engine, CREATE)
    populate(engine, customers=CUSTOMERS, orders=ORDERS)
    return engine


@pytest.fixture
def with_anti_pattern(copy_example: Callable[[str], Path]) -> Callable[[str], AlembicProject]:
    """A copy of the example whose only revisions are the first one and one anti-pattern."""

    def make(slug: str) -> AlembicProject:
        root = copy_example("lock-safe-schema-changes")
        versions = root / "migrations" / "versions"
        for path in versions.glob("*.py"):
            if CREATE not in path.name:
                path.unlink()
        (source,) = ANTI_PATTERNS.glob(f"*_{slug}.py")
        shutil.copy(source, versions / source.name)
        return AlembicProject.load(root)

    return make


@dataclass
class Held:
    """What a transaction held open HOLD_S did to a concurrent writer and reader."""

    write_wait: float
    read_wait: float
    locks: dict[str, set[str]]


def hold_open_while(engine: Engine, url: str, run: Callable[[sa.Connection], None]) -> Held:
    """Run `run` in one transaction kept open HOLD_S, while a writer, a reader and a watcher run."""
    with (
        ConcurrentWriter(url, rows=ORDERS) as writer,
        ConcurrentWriter(url, rows=ORDERS, sql=SELECT_ONE) as reader,
        LockWatcher(url) as watcher,
    ):
        watcher.ignore_pids.update({writer.pid or 0, reader.pid or 0})
        time.sleep(0.1)
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")  # bounded, never hangs
            run(conn)
            time.sleep(HOLD_S)
        time.sleep(0.2)
    for worker in (writer, reader):
        assert not worker.log.errors, worker.log.errors
        assert len(worker.log.latencies) > 20, "a worker barely ran: the test proves nothing"
    assert not watcher.errors, watcher.errors
    return Held(writer.log.worst, reader.log.worst, watcher.seen)


# --- both backends -------------------------------------------------------------------------


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(project(), database_url)
    assert report.revisions == [CREATE, INDEX, CONSTRAINTS, NOT_NULL, CURRENCY]
    assert "models match the database at head" in report.checks


def test_a_row_breaking_the_check_fails_the_revision_and_a_rerun_succeeds(
    engine: Engine, backend: str
) -> None:
    upgrade(engine, INDEX)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO customers (id, name) VALUES (1, 'ada')")
        conn.exec_driver_sql(
            "INSERT INTO orders (id, customer_id, status, amount) VALUES (1, 1, 'new', -5)"
        )
    refused = {
        "sqlite": "CHECK constraint failed: ck_orders_amount_not_negative",
        "postgresql": 'check constraint "ck_orders_amount_not_negative" of relation "orders" '
        "is violated by some row",
    }
    with pytest.raises(sa.exc.IntegrityError, match=refused[backend]):
        upgrade(engine, CONSTRAINTS)
    if backend == "postgresql":
        # The NOT VALID constraints were committed before VALIDATE failed; new rows are checked.
        with engine.connect() as conn:
            state = dict(
                conn.exec_driver_sql(
                    "SELECT conname, convalidated FROM pg_constraint "
                    "WHERE conrelid = 'orders'::regclass AND contype IN ('c', 'f')"
                ).all()
            )
        assert state == {
            "fk_orders_customer_id_customers": True,
            "ck_orders_amount_not_negative": False,
        }
        # NOT VALID still checks every new or updated row.
        with pytest.raises(sa.exc.IntegrityError, match="ck_orders_amount_not_negative"):
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO orders (id, customer_id, status, amount) VALUES (2, 1, 'new', -1)"
                )
    else:
        # Batch mode's CREATE TABLE ran outside the failed transaction: its copy is left over.
        assert "_alembic_tmp_orders" in sa.inspect(engine).get_table_names()
        # A batch operation without the revision's DROP TABLE IF EXISTS trips over it.
        with pytest.raises(
            sa.exc.OperationalError, match="table _alembic_tmp_orders already exists"
        ):
            with engine.begin() as conn:
                with Operations(MigrationContext.configure(conn)).batch_alter_table(
                    "orders"
                ) as batch:
                    batch.create_check_constraint("ck_orders_amount_not_negative", "amount >= 0")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE orders SET amount = 0 WHERE amount < 0")
    upgrade(engine, CONSTRAINTS)
    with MigrationRunner(project(), engine) as runner:
        assert runner.current_heads() == (CONSTRAINTS,)
    assert "_alembic_tmp_orders" not in sa.inspect(engine).get_table_names()


# --- SQLite: what the same revisions cost there ----------------------------------------------


@pytest.mark.backends("sqlite")
def test_sqlite_batch_mode_copies_the_table_for_constraints_and_not_null(engine: Engine) -> None:
    def rootpage() -> int:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'orders'"
            ).scalar_one()

    upgrade(engine, CREATE)
    populate_sqlite(engine)
    pages = {CREATE: rootpage()}
    for revision in (INDEX, CONSTRAINTS, NOT_NULL, CURRENCY):
        upgrade(engine, revision)
        pages[revision] = rootpage()
    # A new root page means a new table: batch mode created it, copied every row, dropped the old.
    assert pages[INDEX] == pages[CREATE]  # CREATE INDEX: the table stays
    assert pages[CONSTRAINTS] != pages[INDEX]  # FK + CHECK: copied
    assert pages[NOT_NULL] != pages[CONSTRAINTS]  # NOT NULL: copied again
    assert pages[CURRENCY] == pages[NOT_NULL]  # ADD COLUMN with a constant default: in place
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM orders").scalar_one() == ORDERS
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE '_alembic_tmp_%'"
            ).scalar_one()
            == 0
        )


def populate_sqlite(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?) "
            "INSERT INTO customers (id, name) SELECT n, 'customer ' || n FROM g",
            (CUSTOMERS,),
        )
        conn.exec_driver_sql(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?) "
            "INSERT INTO orders (id, customer_id, status, amount) "
            "SELECT n, 1 + n % ?, 'new', n % 100 FROM g",
            (ORDERS, CUSTOMERS),
        )


@pytest.mark.backends("sqlite")
def test_sqlite_refuses_a_volatile_default_in_add_column(
    engine: Engine, with_anti_pattern: Callable[[str], AlembicProject]
) -> None:
    proj = with_anti_pattern("add_orders_public_id_with_a_volatile_default")
    # On an empty table SQLite lets it through (the page says so).
    upgrade(engine, "head", proj)
    assert "public_id" in {c["name"] for c in sa.inspect(engine).get_columns("orders")}
    command.downgrade(proj.config(engine), CREATE)
    populate_sqlite(engine)  # with rows, the same statement is refused
    with pytest.raises(sa.exc.DBAPIError, match="Cannot add a column with non-constant default"):
        upgrade(engine, "head", proj)


# --- PostgreSQL: the unsafe forms block the writer ---------------------------------------------

UNSAFE = {
    # anti-pattern slug: (lock modes held on orders, on customers, whether reads wait too)
    "index_orders_customer_id_blocking_writes": ({"ShareLock"}, set(), False),
    "add_orders_customer_fk_and_amount_check_inline": (
        {"ShareRowExclusiveLock", "AccessExclusiveLock"},
        {"ShareRowExclusiveLock"},
        True,  # the CHECK's ACCESS EXCLUSIVE
    ),
    "make_orders_status_not_null_with_a_scan": ({"AccessExclusiveLock"}, set(), True),
    "add_orders_public_id_with_a_volatile_default": ({"AccessExclusiveLock"}, set(), True),
}


@postgresql_only  # lock modes and NOT VALID are PostgreSQL's; SQLite has one writer at a time
@pytest.mark.parametrize("slug", list(UNSAFE))
def test_unsafe_revision_blocks_writes_while_its_transaction_is_open(
    populated: Engine,
    database_url: str,
    with_anti_pattern: Callable[[str], AlembicProject],
    slug: str,
) -> None:
    proj = with_anti_pattern(slug)
    held = hold_open_while(
        populated, database_url, lambda conn: command.upgrade(proj.config(conn), "head")
    )
    print(
        f"{slug} held {HOLD_S} s: write waited {held.write_wait:.3f} s, read {held.read_wait:.3f} s"
    )
    on_orders, on_customers, blocks_reads = UNSAFE[slug]
    assert on_orders <= held.locks["orders"], held.locks
    assert on_customers <= held.locks["customers"], held.locks
    assert held.write_wait >= BLOCKED_AT_LEAST_S, f"the writer waited {held.write_wait:.3f} s"
    if blocks_reads:
        assert held.read_wait >= BLOCKED_AT_LEAST_S, f"the reader waited {held.read_wait:.3f} s"
    else:
        assert held.read_wait < SAFE_WORST_S, f"the reader waited {held.read_wait:.3f} s"


# --- PostgreSQL: the safe forms do not -----------------------------------------------------------


@postgresql_only
def test_validate_constraint_held_open_does_not_block_writes(
    populated: Engine, database_url: str
) -> None:
    with populated.begin() as conn:
        conn.exec_driver_sql(
            "ALTER TABLE orders ADD CONSTRAINT fk_orders_customer_id_customers "
            "FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID"
        )
        conn.exec_driver_sql(
            "ALTER TABLE orders ADD CONSTRAINT ck_orders_amount_not_negative "
            "CHECK (amount >= 0) NOT VALID"
        )
        conn.exec_driver_sql(
            "ALTER TABLE orders ADD CONSTRAINT ck_orders_status_not_null "
            "CHECK (status IS NOT NULL) NOT VALID"
        )

    def validate(conn: sa.Connection) -> None:
        for name in (
            "fk_orders_customer_id_customers",
            "ck_orders_amount_not_negative",
            "ck_orders_status_not_null",
        ):
            conn.exec_driver_sql(f"ALTER TABLE orders VALIDATE CONSTRAINT {name}")

    held = hold_open_while(populated, database_url, validate)
    print(
        f"VALIDATE held {HOLD_S} s: write waited {held.write_wait:.3f} s, read {held.read_wait:.3f} s"
    )
    assert "ShareUpdateExclusiveLock" in held.locks["orders"], held.locks
    assert "RowShareLock" in held.locks["customers"], held.locks
    assert not (held.locks["orders"] | held.locks["customers"]) & BLOCKS_WRITES, held.locks
    assert held.write_wait < SAFE_WORST_S, f"the writer waited {held.write_wait:.3f} s"
    assert held.read_wait < SAFE_WORST_S, f"the reader waited {held.read_wait:.3f} s"


@postgresql_only
def test_create_index_concurrently_refuses_to_run_inside_a_transaction(engine: Engine) -> None:
    upgrade(engine, CREATE)
    with pytest.raises(sa.exc.InternalError, match="cannot run inside a transaction block"):
        with engine.begin() as conn:  # what Alembic does without autocommit_block()
            conn.exec_driver_sql(
                "CREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id)"
            )


@postgresql_only
def test_create_index_concurrently_lets_writes_through_while_it_waits(
    populated: Engine, database_url: str
) -> None:
    # A transaction holding an old snapshot makes CREATE INDEX CONCURRENTLY wait HOLD_S for it:
    # a stand-in for a long build on a large table.
    snapshot_taken = threading.Event()
    holder_errors: list[str] = []

    def hold_snapshot() -> None:
        try:
            with populated.connect() as conn:
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                conn.exec_driver_sql("SELECT count(*) FROM customers").scalar_one()
                snapshot_taken.set()
                time.sleep(HOLD_S)
                conn.rollback()
        except Exception as exc:
            holder_errors.append(repr(exc))
        finally:
            snapshot_taken.set()

    holder = threading.Thread(target=hold_snapshot, daemon=True)
    with ConcurrentWriter(database_url, rows=ORDERS) as writer:
        with LockWatcher(database_url) as watcher:
            watcher.ignore_pids.add(writer.pid or 0)
            holder.start()
            assert snapshot_taken.wait(10)
            started = time.perf_counter()
            upgrade(populated, INDEX)
            took = time.perf_counter() - started
        holder.join(10)
    assert not (writer.log.errors or holder_errors or watcher.errors)
    print(f"CREATE INDEX CONCURRENTLY took {took:.3f} s: writer waited {writer.log.worst:.3f} s")
    assert took >= 0.9 * HOLD_S, f"the build did not wait for the old snapshot ({took:.3f} s)"
    assert "ShareUpdateExclusiveLock" in watcher.seen["orders"], watcher.seen
    assert not watcher.seen["orders"] & BLOCKS_WRITES, watcher.seen
    assert writer.log.worst < SAFE_WORST_S, f"the writer waited {writer.log.worst:.3f} s"
    assert index_is_valid(populated) is True


@postgresql_only
def test_safe_revisions_run_under_a_writer_without_blocking_it(
    populated: Engine, database_url: str
) -> None:
    waits: dict[str, float] = {}
    for revision in (INDEX, CONSTRAINTS, NOT_NULL, CURRENCY):
        with ConcurrentWriter(database_url, rows=ORDERS) as writer:
            time.sleep(0.05)
            upgrade(populated, revision)
            time.sleep(0.05)
        assert not writer.log.errors, writer.log.errors
        waits[revision] = writer.log.worst
    print(f"worst writer wait per revision (s), {ORDERS} orders: {waits}")
    assert max(waits.values()) < SAFE_WORST_S, waits


# --- PostgreSQL: INVALID indexes, the NOT NULL proof, the table rewrite -------------------------


def index_is_valid(engine: Engine) -> bool | None:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = 'ix_orders_customer_id'"
        ).scalar()


@postgresql_only
def test_a_failed_concurrent_build_leaves_an_invalid_index_that_the_revision_replaces(
    populated: Engine,
) -> None:
    with populated.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # A unique index on customer_id cannot be built: the build fails half-way.
        with pytest.raises(sa.exc.IntegrityError, match="could not create unique index"):
            conn.exec_driver_sql(
                "CREATE UNIQUE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id)"
            )
        assert index_is_valid(populated) is False
        # IF NOT EXISTS alone skips the build and keeps the broken index.
        conn.exec_driver_sql(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id ON orders (customer_id)"
        )
        assert index_is_valid(populated) is False
    upgrade(populated, INDEX)
    assert index_is_valid(populated) is True
    indexes = sa.inspect(populated).get_indexes("orders")
    assert [(ix["name"], ix["unique"]) for ix in indexes] == [("ix_orders_customer_id", False)]


# What PostgreSQL reports (at client_min_messages = debug1) when SET NOT NULL scans the table,
# and when a validated CHECK lets it skip the scan.
SCANNED = 'verifying table "orders"'
PROVED = (
    'existing constraints on column "orders.status" are sufficient to prove that it does not '
    "contain nulls"
)


def upgrade_collecting_debug_messages(
    engine: Engine, proj: AlembicProject, revision: str
) -> list[str]:
    messages: list[str] = []
    with engine.connect() as conn:
        conn.connection.driver_connection.add_notice_handler(  # type: ignore[union-attr]
            lambda diag: messages.append(diag.message_primary or "")
        )
        conn.exec_driver_sql("SET client_min_messages = debug1")
        conn.commit()
        command.upgrade(proj.config(conn), revision)
    return [m for m in messages if m in (SCANNED, PROVED)]


@postgresql_only  # the scan-skipping proof is PostgreSQL's (>= 12); SQLite copies the table
def test_set_not_null_skips_the_scan_only_with_a_validated_check(
    populated: Engine, with_anti_pattern: Callable[[str], AlembicProject]
) -> None:
    upgrade(populated, CONSTRAINTS)
    safe = upgrade_collecting_debug_messages(populated, project(), NOT_NULL)
    # One scan, in VALIDATE (under SHARE UPDATE EXCLUSIVE); then SET NOT NULL scans nothing.
    assert safe == [SCANNED, PROVED]


@postgresql_only
def test_set_not_null_alone_scans_the_table(
    engine: Engine, with_anti_pattern: Callable[[str], AlembicProject]
) -> None:
    proj = with_anti_pattern("make_orders_status_not_null_with_a_scan")
    upgrade(engine, CREATE, proj)
    populate(engine, customers=10, orders=100)
    unsafe = upgrade_collecting_debug_messages(engine, proj, "head")
    assert unsafe == [SCANNED]  # SET NOT NULL scans, under ACCESS EXCLUSIVE


def relfilenode(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT relfilenode FROM pg_class WHERE relname = 'orders'"
        ).scalar_one()


@postgresql_only  # SQLite's counterpart: test_sqlite_batch_mode_copies_the_table_...
def test_constant_default_adds_the_column_without_rewriting_the_table(populated: Engine) -> None:
    upgrade(populated, NOT_NULL)
    before = relfilenode(populated)
    started = time.perf_counter()
    upgrade(populated, CURRENCY)
    print(
        f"ADD COLUMN with a constant default, {ORDERS} rows: {time.perf_counter() - started:.3f} s"
    )
    assert relfilenode(populated) == before  # the same file on disk: no row was touched
    with populated.connect() as conn:
        assert conn.exec_driver_sql("SELECT DISTINCT currency FROM orders").scalars().all() == [
            "EUR"
        ]


@postgresql_only  # SQLite refuses the volatile default: test_sqlite_refuses_a_volatile_default_...
def test_volatile_default_rewrites_the_table(
    populated: Engine, with_anti_pattern: Callable[[str], AlembicProject]
) -> None:
    proj = with_anti_pattern("add_orders_public_id_with_a_volatile_default")
    before = relfilenode(populated)
    started = time.perf_counter()
    upgrade(populated, "head", proj)
    print(
        f"ADD COLUMN with a volatile default, {ORDERS} rows: {time.perf_counter() - started:.3f} s"
    )
    assert relfilenode(populated) != before  # a new file: every row was written again
    with populated.connect() as conn:
        distinct = conn.exec_driver_sql("SELECT count(DISTINCT public_id) FROM orders").scalar()
    assert distinct == ORDERS


@postgresql_only
def test_even_an_instant_add_column_blocks_writes_while_its_transaction_is_open(
    populated: Engine, database_url: str
) -> None:
    upgrade(populated, NOT_NULL)
    held = hold_open_while(
        populated, database_url, lambda conn: command.upgrade(project().config(conn), CURRENCY)
    )
    print(f"instant ADD COLUMN held {HOLD_S} s: write waited {held.write_wait:.3f} s")
    assert "AccessExclusiveLock" in held.locks["orders"], held.locks
    assert held.write_wait >= BLOCKED_AT_LEAST_S, f"the writer waited {held.write_wait:.3f} s"
    assert held.read_wait >= BLOCKED_AT_LEAST_S, f"the reader waited {held.read_wait:.3f} s"


def test_autogenerate_writes_batch_blocks_for_sqlite_only(
    engine: Engine, backend: str, copy_example: Callable[[str], Path]
) -> None:
    # env.py sets render_as_batch=True for SQLite only: the same model change is written as a
    # batch_alter_table block there and as a plain op.add_column on PostgreSQL.
    root = copy_example("lock-safe-schema-changes")
    (currency,) = (root / "migrations" / "versions").glob(f"*-{CURRENCY}_*.py")
    currency.unlink()  # the models have orders.currency; the database will not
    proj = AlembicProject.load(root)
    upgrade(engine, NOT_NULL, proj)
    script = command.revision(proj.config(engine), message="add orders currency", autogenerate=True)
    assert script is not None and not isinstance(script, list)
    upgrade_code = Path(script.path).read_text().split("def downgrade")[0]
    assert "currency" in upgrade_code
    if backend == "sqlite":
        assert "with op.batch_alter_table('orders'" in upgrade_code
    else:
        assert "batch_alter_table" not in upgrade_code
        assert "op.add_column('orders'" in upgrade_code


@pytest.mark.backends("sqlite")  # PostgreSQL's counterpart: the lock-mode tests above
def test_sqlite_batch_copy_keeps_every_other_writer_waiting(engine: Engine) -> None:
    upgrade(engine, INDEX)
    populate_sqlite(engine)
    database = engine.url.database
    assert database
    other_writes: list[str] = []

    @sa.event.listens_for(engine, "after_cursor_execute")
    def write_meanwhile(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO _alembic_tmp_orders"):
            # Half-way through the copy: another connection tries to write, without waiting.
            other = sqlite3.connect(database, timeout=0)
            try:
                other.execute("UPDATE customers SET name = 'x' WHERE id = 1")
                other.commit()
                other_writes.append("written")
            except sqlite3.OperationalError as exc:
                other_writes.append(str(exc))
            finally:
                other.close()

    upgrade(engine, CONSTRAINTS)  # batch mode: copies orders
    assert other_writes == ["database is locked"]
