"""Change many rows in small committed batches, safely re-runnable, on SQLite and PostgreSQL.

One `UPDATE` over a large table holds its row locks (and on SQLite the database's write lock)
until it commits, so every concurrent writer that touches one of those rows waits for the whole
statement, and a crash throws all the work away. [`backfill`][migration_handbook.backfill.backfill]
walks the table by primary-key ranges instead (keyset pagination: `WHERE id > :last ORDER BY id
LIMIT :n`, never `OFFSET`), changes one range per transaction, and only touches rows that still
match a predicate you give (`new_col IS NULL`), so a run that dies half-way is finished by
running it again: done rows are skipped, no row is missed, none is changed twice.

Inside an Alembic revision, use
[`backfill_in_revision`][migration_handbook.backfill.backfill_in_revision]: it runs the batches
in `op.get_context().autocommit_block()`, so each batch commits on its own.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import NullType

from migration_handbook.errors import HandbookError

logger = logging.getLogger(__name__)

SqlExpression = str | sa.ColumnElement[Any]
"""SQL text such as `"lower(email)"`, or a SQLAlchemy expression such as `sa.literal(0)`."""


class BackfillError(HandbookError):
    """A backfill cannot run as asked; the message says what to change."""


@dataclass(frozen=True)
class CopyRows:
    """An `INSERT INTO target (...) SELECT ... FROM source` to run for every batch.

    Attributes:
        table: the table to insert into.
        columns: target column -> SQL expression over the source table's columns, e.g.
            `{"id": "id", "email": "lower(email)"}`.
    """

    table: str
    columns: Mapping[str, SqlExpression]


@dataclass(frozen=True)
class BatchProgress:
    """Where a backfill stands after a batch has committed (handed to `on_batch`)."""

    batch: int
    """Number of batches committed so far, starting at 1."""
    rows: int
    """Rows changed so far in this run."""
    batch_rows: int
    """Rows changed by this batch."""
    total: int | None
    """Rows that needed the change when the run started (`None` if not counted)."""
    last_key: Any
    """The highest key of this batch; the next batch starts after it."""
    batch_seconds: float
    """How long this batch took, from its first statement to its commit."""
    seconds: float
    """Time since the run started, pauses included."""

    @property
    def rate(self) -> float:
        """Rows per second so far."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        """Estimated seconds to go at the rate so far (`None` if the total is unknown)."""
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.rows, 0) / self.rate


@dataclass(frozen=True)
class BackfillReport:
    """What a backfill did."""

    rows: int
    """Rows changed: the UPDATE's row count, or the INSERT's when there is no UPDATE."""
    batches: int
    """Batches committed (a run over rows that are all done commits none)."""
    seconds: float
    """Wall time of the run, pauses included."""


def backfill(
    bind: Engine | Connection,
    table: str,
    *,
    where: SqlExpression,
    values: Mapping[str, SqlExpression] | None = None,
    copy_to: CopyRows | None = None,
    params: Mapping[str, Any] | None = None,
    key: str = "id",
    schema: str | None = None,
    batch_size: int = 1000,
    pause: float = 0.0,
    count_first: bool = True,
    log_every: float = 10.0,
    progress_bar: bool | None = None,
    on_batch: Callable[[BatchProgress], None] | None = None,
) -> BackfillReport:
    """Apply an UPDATE (and/or an INSERT ... SELECT) to a table in committed, keyset batches.

    Each batch finds the next `batch_size` keys after the last one done among the rows that
    match `where`, then runs, for the rows between those keys that still match `where`:
    the `INSERT INTO copy_to.table ... SELECT` (if given), then
    `UPDATE table SET <values>` (if given), and commits. Batch bounds and `params` are bound
    parameters. Because only rows matching `where` are touched, `where` must stop matching a
    row once it is done (`new_col IS NULL` for an UPDATE that fills `new_col`; `NOT EXISTS
    (SELECT 1 FROM target WHERE target.id = source.id)` for a copy): then a run that stopped
    half-way is finished by running it again.

    Args:
        bind: an `Engine` (a connection is opened and closed here), or a `Connection` that
            is not inside a transaction, or one in `AUTOCOMMIT` mode (as inside
            `autocommit_block()`), where every statement commits by itself.
        table: the table to walk.
        where: the predicate selecting rows that still need the change, as SQL text (may use
            `:name` parameters from `params`) or a SQLAlchemy expression.
        values: column -> new value as a SQL expression: SQL text such as
            `"lower(email)"` or a SQLAlchemy expression (`sa.literal(0)`,
            `sa.bindparam("status")`). Plain Python values are not accepted: wrap them in
            `sa.literal()`, so a string is never mistaken for SQL or the other way round.
        copy_to: an `INSERT ... SELECT` to run for each batch, before the UPDATE.
        params: values for the `:name` parameters used in `where`, `values` and `copy_to`.
        key: the primary-key column to walk (unique, not NULL, orderable; indexed).
        schema: the table's schema, if not the default one.
        batch_size: rows per batch. Each batch holds its locks until it commits: smaller
            batches make concurrent writers wait less, larger ones finish sooner.
        pause: seconds to sleep between batches, to leave room for other work (and replicas).
        count_first: count the rows matching `where` first (one scan), so progress can
            show a percentage and the time left.
        log_every: seconds between progress records on the `migration_handbook.backfill`
            logger (INFO). The first batch and the end are always logged; 0 logs every batch.
        progress_bar: draw a progress bar on stderr; `None` (default) draws one only when
            stderr is a terminal.
        on_batch: called after each batch has committed, with a
            [`BatchProgress`][migration_handbook.backfill.BatchProgress]. An exception it
            raises stops the run; the batches committed so far stay committed.

    Returns:
        A [`BackfillReport`][migration_handbook.backfill.BackfillReport].

    Raises:
        BackfillError: nothing to do was given, `batch_size` is not positive, or `bind` is a
            connection with a transaction in progress.
    """
    if not values and copy_to is None:
        raise BackfillError(
            f"backfill of {table!r}: nothing to do. Pass values={{column: expression}} for an "
            "UPDATE, copy_to=CopyRows(...) for an INSERT ... SELECT, or both."
        )
    if batch_size < 1:
        raise BackfillError(
            f"backfill of {table!r}: batch_size must be 1 or more, not {batch_size}."
        )
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return backfill(
                connection,
                table,
                where=where,
                values=values,
                copy_to=copy_to,
                params=params,
                key=key,
                schema=schema,
                batch_size=batch_size,
                pause=pause,
                count_first=count_first,
                log_every=log_every,
                progress_bar=progress_bar,
                on_batch=on_batch,
            )
    autocommit = is_autocommit(bind)
    if not autocommit and bind.in_transaction():
        raise BackfillError(
            f"backfill of {table!r}: the connection is inside a transaction, and the backfill "
            "commits after every batch, which would commit that transaction's work too. Commit "
            "or roll back first, or pass the Engine. Inside an Alembic revision, call "
            "backfill_in_revision(), or backfill(op.get_bind(), ...) inside "
            "`with op.get_context().autocommit_block():`."
        )
    plan = _Plan(table, key, schema, where, values or {}, copy_to, batch_size)
    bound = dict(params or {})
    bar = (
        _Bar(sys.stderr)
        if (sys.stderr.isatty() if progress_bar is None else progress_bar)
        else None
    )

    def commit() -> None:
        if not autocommit:
            bind.commit()

    started = time.monotonic()
    total = None
    if count_first:
        total = int(bind.execute(plan.count, bound).scalar_one())
        commit()
    logger.info(
        "backfill %s: %s rows to change, batches of %d",
        table,
        "an unknown number of" if total is None else f"{total:,}",
        batch_size,
    )
    rows = batches = 0
    last_key: Any = None
    last_log = 0.0
    while True:
        batch_started = time.monotonic()
        first = last_key is None
        upper = bind.execute(plan.next_key[first], {**bound, "backfill_after": last_key}).scalar()
        if upper is None:
            commit()
            break
        ranged = {**bound, "backfill_after": last_key, "backfill_upto": upper}
        batch_rows = 0
        if plan.insert is not None:
            batch_rows = bind.execute(plan.insert[first], ranged).rowcount
        if plan.update is not None:
            batch_rows = bind.execute(plan.update[first], ranged).rowcount
        commit()
        batches += 1
        rows += batch_rows
        last_key = upper
        now = time.monotonic()
        progress = BatchProgress(
            batch=batches,
            rows=rows,
            batch_rows=batch_rows,
            total=total,
            last_key=upper,
            batch_seconds=now - batch_started,
            seconds=now - started,
        )
        if batches == 1 or now - last_log >= log_every:
            last_log = now
            logger.info("backfill %s: %s", table, _describe(progress))
        if bar is not None:
            bar.draw(progress)
        if on_batch is not None:
            on_batch(progress)
        if pause > 0:
            time.sleep(pause)
    seconds = time.monotonic() - started
    if bar is not None:
        bar.finish()
    logger.info(
        "backfill %s: done, %s rows in %d batches, %.1f s",
        table,
        f"{rows:,}",
        batches,
        seconds,
    )
    return BackfillReport(rows=rows, batches=batches, seconds=seconds)


def backfill_in_revision(table: str, **options: Any) -> BackfillReport:
    """Run [`backfill`][migration_handbook.backfill.backfill] from an Alembic revision.

    The batches run inside `op.get_context().autocommit_block()`, so each one commits by
    itself: on PostgreSQL the revision's transaction is committed first (keep the backfill in
    a revision of its own, after the one that adds the column) and a new one is begun
    afterwards. `options` are `backfill`'s keyword arguments.

    Raises:
        BackfillError: Alembic runs in offline (`--sql`) mode, where there is no database
            to read the batch keys from; or `env.py` handed Alembic a connection that was
            already inside a transaction, which `autocommit_block()` cannot commit.
    """
    from alembic import op

    context = op.get_context()
    if context.as_sql:
        raise BackfillError(
            f"backfill of {table!r} cannot be rendered as SQL (`alembic upgrade --sql`): each "
            "batch reads its keys from the database. Run this revision online, or write the "
            "one-statement UPDATE into the script you hand over."
        )
    with ExitStack() as stack:
        try:
            stack.enter_context(context.autocommit_block())
        except AssertionError as exc:
            raise BackfillError(
                f"backfill of {table!r}: Alembic's autocommit_block() refused the connection: it "
                "was already inside a transaction Alembic did not start. In env.py, hand over a "
                "connection from `engine.connect()`, not `engine.begin()`, and commit or roll "
                "back anything run on it before `context.run_migrations()`."
            ) from exc
        return backfill(op.get_bind(), table, **options)


def is_autocommit(connection: Connection) -> bool:
    """Whether every statement on `connection` commits by itself (AUTOCOMMIT isolation level)."""
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return True
    dbapi = connection.connection.dbapi_connection
    if getattr(dbapi, "autocommit", None) is True:
        return True
    return connection.dialect.name == "sqlite" and getattr(dbapi, "isolation_level", "") is None


class _Plan:
    """The statements of one backfill, built once; each keyed by "is this the first batch"."""

    def __init__(
        self,
        table: str,
        key: str,
        schema: str | None,
        where: SqlExpression,
        values: Mapping[str, SqlExpression],
        copy_to: CopyRows | None,
        batch_size: int,
    ) -> None:
        source = sa.table(table, sa.column(key), *(sa.column(c) for c in values), schema=schema)
        self.key = source.c[key]
        self.predicate = _expression(where)
        self.count = sa.select(sa.func.count()).select_from(source).where(self.predicate)
        self.next_key: dict[bool, sa.Select[Any]] = {}
        self.update: dict[bool, sa.Update] | None = None
        self.insert: dict[bool, sa.Insert] | None = None
        for first in (True, False):
            # Keyset pagination: the next batch_size keys after the last one, no OFFSET.
            after = [] if first else [self.key > sa.bindparam("backfill_after")]
            keys = (
                sa.select(self.key.label("k"))
                .where(*after, self.predicate)
                .order_by(self.key)
                .limit(batch_size)
                .subquery()
            )
            self.next_key[first] = sa.select(sa.func.max(keys.c.k))
        if values:
            assignments = {name: _expression(expr) for name, expr in values.items()}
            self.update = {
                first: sa.update(source).where(*self._range(first)).values(assignments)
                for first in (True, False)
            }
        if copy_to is not None:
            target = sa.table(
                copy_to.table, *(sa.column(c) for c in copy_to.columns), schema=schema
            )
            selected = [_expression(e).label(c) for c, e in copy_to.columns.items()]
            self.insert = {
                first: sa.insert(target)
                .from_select(
                    list(copy_to.columns),
                    sa.select(*selected).select_from(source).where(*self._range(first)),
                )
                # SQLAlchemy keeps an INSERT's row count only when asked to.
                .execution_options(preserve_rowcount=True)
                for first in (True, False)
            }

    def _range(self, first: bool) -> list[sa.ColumnElement[bool]]:
        upto = self.key <= sa.bindparam("backfill_upto")
        if first:
            return [upto, self.predicate]
        return [self.key > sa.bindparam("backfill_after"), upto, self.predicate]


def _expression(expr: SqlExpression) -> sa.ColumnElement[Any]:
    if isinstance(expr, str) and expr.strip():
        # text() keeps `:name` parameters bindable; type_coerce makes it usable as a column.
        return sa.type_coerce(sa.text(f"({expr})"), NullType())
    if isinstance(expr, sa.ColumnElement):
        return expr
    raise BackfillError(
        f"{expr!r} is not a SQL expression: pass non-empty SQL text such as 'lower(email)', or wrap a "
        "Python value as sa.literal(value)."
    )


def _describe(progress: BatchProgress) -> str:
    done = f"{progress.rows:,}"
    if progress.total:
        done += f"/{progress.total:,} rows ({100 * progress.rows / progress.total:.1f}%)"
    else:
        done += " rows"
    batches = f"{progress.batch} batch{'' if progress.batch == 1 else 'es'}"
    text = f"{done}, {batches}, {progress.rate:,.0f} rows/s"
    left = progress.seconds_left
    if left is not None:
        text += f", about {_duration(left)} left"
    return text


def _duration(seconds: float) -> str:
    seconds = math.ceil(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class _Bar:
    """A one-line progress bar, redrawn in place with a carriage return."""

    width = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def draw(self, progress: BatchProgress) -> None:
        if progress.total:
            filled = min(self.width, self.width * progress.rows // progress.total)
            bar = "#" * filled + "." * (self.width - filled)
        else:
            bar = "?" * self.width
        self.stream.write(f"\r[{bar}] {_describe(progress)}   ")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
