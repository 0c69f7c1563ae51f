"""Fill tables with production-like rows: many of them, skewed, with NULLs and near-duplicates.

Values are made up from each column's type, name and constraints, so the generator works on any
example's tables without a fixture per table:

- integer primary keys count up from 1; foreign keys point at the parent's rows, a few parents
  getting most of the children (a power-law spread, as real customers and orders do);
- nullable columns are NULL in about a fifth of the rows;
- e-mail-like columns repeat addresses and vary their case, unless the column is unique;
- short strings come from a small, skewed vocabulary (status-like columns), longer ones and
  `TEXT` get words of varying length; numbers are log-normal; timestamps spread over three
  years, denser towards the present.

The same `seed` gives the same rows on every run and backend. Inserts are bulk: PostgreSQL
`COPY ... FROM STDIN` through psycopg, `executemany` in chunks elsewhere.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from migration_handbook.errors import HandbookError

ValueMaker = Callable[[random.Random, int], Any]
"""Makes one column's value from the table's random generator and the row's index (from 0)."""

NULL_FRACTION = 0.2
"""Share of NULLs in nullable columns."""

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""Generated timestamps fall in the three years before this instant (fixed, for reproducibility)."""

_STATUS_WORDS = ("new", "paid", "shipped", "cancelled", "refunded", "on_hold")
_STATUS_WEIGHTS = (50, 25, 15, 6, 3, 1)
_WORDS = (
    "alpha beta gamma delta order invoice refund customer account note urgent call back "
    "shipping address changed discount loyal premium trial expired renewal pending review"
).split()
_NAMES = "ada alan grace linus margaret ken barbara dennis edsger frances john tim".split()


class DataGenerationError(HandbookError):
    """The generator cannot make values for a table; the message names the table and column."""


def generate_rows(
    table: sa.Table,
    count: int,
    *,
    seed: int = 0,
    parent_counts: Mapping[str, int] | None = None,
    overrides: Mapping[str, ValueMaker] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield `count` rows for `table`, the same rows for the same `seed`.

    Args:
        table: the table (reflected or from models).
        count: number of rows.
        seed: the random seed; each table draws from its own generator seeded with
            `seed` and the table's name, so adding a table does not change another's rows.
        parent_counts: rows in each referenced table, by table name: foreign keys take values
            `1..n` of their parent (the parent's generated primary keys).
        overrides: a value maker per column name, for columns whose made-up values would not do.

    Raises:
        DataGenerationError: a foreign key's parent table is not in `parent_counts`, or a column's
            type has no generator (pass an override).
    """
    rng = random.Random(f"{seed}:{table.name}")
    makers = {
        column.name: (overrides or {}).get(column.name)
        or _maker_for(column, count, dict(parent_counts or {}))
        for column in table.columns
    }
    for index in range(count):
        yield {name: make(rng, index) for name, make in makers.items()}


def insert_rows(
    connection: Connection,
    table: sa.Table,
    rows: Iterator[dict[str, Any]] | list[dict[str, Any]],
    *,
    chunk_size: int = 10_000,
) -> int:
    """Insert `rows` into `table` in bulk on the caller's connection; return how many.

    PostgreSQL uses `COPY ... FROM STDIN` (psycopg 3) and then moves the table's identity or
    serial sequences past the largest inserted key, so later inserts without a key still work.
    Other backends get `executemany` in chunks of `chunk_size`. The caller commits.
    """
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        return _copy_rows(connection, table, rows)
    total = 0
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            connection.execute(table.insert(), chunk)
            total += len(chunk)
            chunk = []
    if chunk:
        connection.execute(table.insert(), chunk)
        total += len(chunk)
    return total


def fill_tables(
    connection: Connection, counts: Mapping[str, int], *, seed: int = 0
) -> dict[str, int]:
    """Reflect the named tables, and fill each with its count of rows, parents first.

    Tables must be empty (generated primary keys start at 1). Commits when done.

    Returns:
        Rows inserted per table.

    Raises:
        DataGenerationError: a named table does not exist.
    """
    metadata = sa.MetaData()
    missing = sorted(set(counts) - set(sa.inspect(connection).get_table_names()))
    if missing:
        raise DataGenerationError(
            f"no table named {', '.join(missing)} in the database; upgrade it to the revision "
            "that creates them before filling."
        )
    metadata.reflect(connection, only=list(counts))
    inserted: dict[str, int] = {}
    for table in metadata.sorted_tables:
        rows = generate_rows(table, counts[table.name], seed=seed, parent_counts=counts)
        inserted[table.name] = insert_rows(connection, table, rows)
    connection.commit()
    return inserted


def _maker_for(column: sa.Column[Any], count: int, parents: dict[str, int]) -> ValueMaker:
    maker = _not_null_maker(column, count, parents)
    if column.nullable and not column.primary_key and not column.foreign_keys:

        def maybe_null(rng: random.Random, index: int) -> Any:
            return None if rng.random() < NULL_FRACTION else maker(rng, index)

        return maybe_null
    return maker


def _not_null_maker(column: sa.Column[Any], count: int, parents: dict[str, int]) -> ValueMaker:
    type_ = column.type
    where = f"{column.table.name}.{column.name}"
    if column.foreign_keys:
        parent = next(iter(column.foreign_keys)).column.table.name
        if parent not in parents or parents[parent] < 1:
            raise DataGenerationError(
                f"{where} references {parent}: give its row count in parent_counts (or counts) "
                "so the generator can point at existing rows."
            )
        return _skewed_index(parents[parent], offset=1)
    if column.primary_key and isinstance(type_, sa.Integer):
        return lambda rng, index: index + 1
    unique = _is_unique(column)
    if isinstance(type_, sa.Boolean):
        return lambda rng, index: rng.random() < 0.85
    if isinstance(type_, sa.Integer):
        return lambda rng, index: index + 1 if unique else int(rng.lognormvariate(7, 1.2))
    if isinstance(type_, sa.Numeric):  # Float and Numeric
        if isinstance(type_, sa.Float) or not type_.asdecimal:
            return lambda rng, index: round(rng.lognormvariate(4, 1), 2)
        return lambda rng, index: decimal.Decimal(f"{rng.lognormvariate(4, 1):.2f}")
    if isinstance(type_, sa.DateTime):
        aware = bool(getattr(type_, "timezone", False))
        return lambda rng, index: _timestamp(rng, aware)
    if isinstance(type_, sa.Date):
        return lambda rng, index: _timestamp(rng, False).date()
    if isinstance(type_, sa.Enum) and type_.enums:
        choices = list(type_.enums)
        return lambda rng, index: choices[min(int(rng.paretovariate(1.5)) - 1, len(choices) - 1)]
    if isinstance(type_, sa.String):  # String, Text, Unicode
        return _string_maker(column, count, unique)
    raise DataGenerationError(
        f"{where}: no generator for type {type_!r}; pass overrides={{{column.name!r}: maker}}."
    )


def _string_maker(column: sa.Column[Any], count: int, unique: bool) -> ValueMaker:
    length = getattr(column.type, "length", None)
    name = column.name.lower()

    def fit(text: str) -> str:
        return text[:length] if length else text

    if "email" in name:
        people = _skewed_index(max(count // 3, 1), offset=1)

        def email(rng: random.Random, index: int) -> str:
            if unique:
                return fit(f"user{index + 1}@example.com")
            address = f"user{people(rng, index)}@example.com"
            # Same address, different case: duplicates a case-insensitive index would reject.
            return fit(address.capitalize() if rng.random() < 0.05 else address)

        return email
    if "name" in name:

        def person(rng: random.Random, index: int) -> str:
            text = f"{rng.choice(_NAMES).title()} {rng.choice(_NAMES).title()}"
            return fit(f"{text} {index + 1}" if unique else text)

        return person
    if unique:
        return lambda rng, index: fit(f"{name}-{index + 1}")
    if length is not None and length <= 32:
        return lambda rng, index: fit(rng.choices(_STATUS_WORDS, _STATUS_WEIGHTS)[0])

    def words(rng: random.Random, index: int) -> str:
        return fit(" ".join(rng.choices(_WORDS, k=min(int(rng.paretovariate(1.2)) * 3, 60))))

    return words


def _skewed_index(n: int, *, offset: int) -> ValueMaker:
    """`offset .. offset + n - 1`, a few values taking most rows: a bounded power law."""

    def pick(rng: random.Random, index: int) -> int:
        return offset + min(int(n * rng.random() ** 3), n - 1)

    return pick


def _timestamp(rng: random.Random, aware: bool) -> dt.datetime:
    # Recent rows are more common: squaring pulls the offsets towards zero, i.e. the present.
    seconds = int((rng.random() ** 2) * 3 * 365 * 86_400)
    value = (EPOCH - dt.timedelta(seconds=seconds)).replace(microsecond=0)
    return value if aware else value.replace(tzinfo=None)


def _is_unique(column: sa.Column[Any]) -> bool:
    if column.unique:
        return True
    table = column.table
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and list(constraint.columns.keys()) == [
            column.name
        ]:
            return True
    for index in table.indexes:
        if index.unique and [c.name for c in index.columns] == [column.name]:
            return True
    return False


def _copy_rows(
    connection: Connection,
    table: sa.Table,
    rows: Iterator[dict[str, Any]] | list[dict[str, Any]],
) -> int:
    names = [c.name for c in table.columns]
    preparer = connection.dialect.identifier_preparer
    target = preparer.format_table(table)
    columns = ", ".join(preparer.quote(n) for n in names)
    if not connection.in_transaction():
        connection.begin()  # so the caller's commit() commits the COPY
    driver_connection: Any = connection.connection.driver_connection
    total = 0
    with driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
                total += 1
        for column in table.primary_key.columns:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), max_id) "
                f"FROM (SELECT max({preparer.quote(column.name)}) AS max_id FROM {target}) m "
                "WHERE pg_get_serial_sequence(%s, %s) IS NOT NULL AND max_id IS NOT NULL",
                (target, column.name, target, column.name),
            )
    return total
