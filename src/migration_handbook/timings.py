"""Time one migration on tables of growing size, and write the figures as a markdown table.

Each measurement takes a fresh database, upgrades it to the revision before the one measured,
fills the tables with [`fill_tables`][migration_handbook.datagen.fill_tables], and times
`alembic upgrade <revision>` alone. Run it as a script to refresh the handbook's figures:

```bash
uv run python -m migration_handbook.timings docs/best-practices/measurements/migration-timings-by-size.md
```
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import alembic
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from migration_handbook.databases import (
    fresh_postgres_database,
    postgres_server,
    sqlite_url,
    url_text,
)
from migration_handbook.datagen import fill_tables
from migration_handbook.project import AlembicProject

DEFAULT_SIZES = (1_000, 10_000, 100_000)
"""Row counts the handbook's page shows."""


@dataclass(frozen=True)
class MigrationCase:
    """One migration to time, and how to fill the tables it works on."""

    title: str
    """What the migration does, as the table's first column shows it."""
    project: Path
    """The example project's folder."""
    revision: str
    """The revision timed; the database is first upgraded to the one before it."""
    counts: Callable[[int], Mapping[str, int]]
    """Rows per table for a given size."""


@dataclass(frozen=True)
class Timing:
    """One measured point: the median of the repeats."""

    case: str
    backend: str
    rows: int
    seconds: float
    """Median wall-clock seconds of `alembic upgrade <revision>`."""


def time_migration(case: MigrationCase, url: str | URL, rows: int, *, seed: int = 0) -> float:
    """Time `case.revision` once, on the empty database at `url` filled for `rows`.

    Returns:
        Wall-clock seconds of the upgrade to `case.revision` (filling is not counted).
    """
    project = AlembicProject.load(case.project)
    script = project.script_directory().get_revision(case.revision)
    if script is None:
        raise ValueError(f"{case.project}: no revision {case.revision!r} in its versions folder.")
    below = script.down_revision
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        if below is not None:
            command.upgrade(project.config(engine), str(below))
        with engine.connect() as conn:
            fill_tables(conn, case.counts(rows), seed=seed)
        started = time.perf_counter()
        command.upgrade(project.config(engine), case.revision)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def measure(
    cases: Sequence[MigrationCase],
    sizes: Sequence[int] = DEFAULT_SIZES,
    *,
    backends: Sequence[str] = ("sqlite", "postgresql"),
    repeats: int = 3,
    seed: int = 0,
) -> tuple[list[Timing], dict[str, str]]:
    """Time every case at every size on every backend, each on `repeats` fresh databases.

    Returns:
        The timings, and the versions of the backends used (`{"sqlite": "3.40.1", ...}`).
    """
    timings: list[Timing] = []
    versions: dict[str, str] = {}
    for backend in backends:
        with _databases(backend) as (new_database, version):
            versions[backend] = version
            for case in cases:
                for rows in sizes:
                    runs = []
                    for _ in range(repeats):
                        with new_database() as url:
                            runs.append(time_migration(case, url, rows, seed=seed))
                    timings.append(Timing(case.title, backend, rows, statistics.median(runs)))
    return timings, versions


def markdown(
    timings: Sequence[Timing], versions: Mapping[str, str], *, repeats: int, seed: int
) -> str:
    """The timings as a markdown table, headed by the machine, versions, sizes and date."""
    sizes = sorted({t.rows for t in timings})
    lines = [
        "<!-- Written by `uv run python -m migration_handbook.timings`; do not edit by hand. -->",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by "
        "`python -m migration_handbook.timings` on "
        f"{os.cpu_count()} CPU cores ({platform.machine()}, {platform.system()}), Python "
        f"{platform.python_version()}, SQLAlchemy {sa.__version__}, Alembic {alembic.__version__}, "
        + ", ".join(f"{_label(b)} {v}" for b, v in versions.items())
        + f". Median of {repeats} runs, each on a fresh database filled by "
        f"`migration_handbook.datagen` (seed {seed}); filling is not timed.",
        "",
        "| migration | backend | " + " | ".join(f"{n:,} rows" for n in sizes) + " |",
        "|---|---|" + "---:|" * len(sizes),
    ]
    for case in dict.fromkeys(t.case for t in timings):
        for backend in dict.fromkeys(t.backend for t in timings):
            cells = {t.rows: t.seconds for t in timings if t.case == case and t.backend == backend}
            lines.append(
                f"| {case} | {_label(backend)} | " + " | ".join(_ms(cells[n]) for n in sizes) + " |"
            )
    return "\n".join(lines) + "\n"


def handbook_cases(examples: Path) -> list[MigrationCase]:
    """The migrations the handbook's page times, from its `examples/` folder."""
    return [
        MigrationCase(
            title="index `orders.customer_email` (CONCURRENTLY on PostgreSQL)",
            project=examples / "transactional-migrations",
            revision="bdbc76f4e431",
            counts=lambda n: {"orders": n},
        ),
        MigrationCase(
            title="drop column `customers.legacy_notes` (batch mode on SQLite)",
            project=examples / "backup-before-migrating",
            revision="bb466659a330",
            counts=lambda n: {"customers": n},
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: measure the handbook's cases and write the markdown file."""
    parser = argparse.ArgumentParser(prog="python -m migration_handbook.timings")
    parser.add_argument("output", type=Path, help="markdown file to write")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--examples", type=Path, default=Path("examples"))
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    args = parser.parse_args(argv)
    timings, versions = measure(
        handbook_cases(args.examples),
        args.sizes,
        backends=args.backends,
        repeats=args.repeats,
        seed=args.seed,
    )
    text = markdown(timings, versions, repeats=args.repeats, seed=args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)


@contextmanager
def _databases(
    backend: str,
) -> Iterator[tuple[Callable[[], AbstractContextManager[str]], str]]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="handbook-timings-") as folder:
            counter = iter(range(1_000_000))

            @contextmanager
            def new_sqlite() -> Iterator[str]:
                yield url_text(sqlite_url(folder, f"t{next(counter)}.db"))

            yield new_sqlite, sqlite3.sqlite_version
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}; use sqlite or postgresql.")
    with postgres_server() as server:
        engine = sa.create_engine(server, poolclass=NullPool)
        with engine.connect() as conn:
            version = str(conn.exec_driver_sql("SHOW server_version").scalar_one()).split()[0]
        engine.dispose()

        @contextmanager
        def new_postgres() -> Iterator[str]:
            with fresh_postgres_database(server, prefix="timings") as url:
                yield url_text(url)

        yield new_postgres, version


def _label(backend: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(backend, backend)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


if __name__ == "__main__":
    main()
