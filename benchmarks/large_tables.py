"""What large-table migrations cost a concurrent writer, measured on PostgreSQL.

    uv run python benchmarks/large_tables.py --rows 1000000

Builds a table of `--rows` rows in a fresh database on the server in `HANDBOOK_POSTGRES_URL`
(else on an embedded PostgreSQL started by `migration_handbook.databases`). For each scenario,
a writer thread updates one random row about every 10 ms on a connection of its own, and the
script records how long each of the writer's statements took (its "wait"). Scenarios:

- one-statement UPDATE vs `migration_handbook.backfill` in batches of 1,000 / 10,000 / 50,000;
- CREATE INDEX vs CREATE INDEX CONCURRENTLY;
- ADD COLUMN with a constant default vs a volatile one (clock_timestamp());
- SET NOT NULL directly vs CHECK ... NOT VALID, VALIDATE, SET NOT NULL;
- an ALTER behind a long transaction, without and with `migration_handbook.locks`.

Each UPDATE scenario runs `--repeat` times (default 3), interleaved, and its median run is
reported. Prints a table and the targets as ratios, and writes `large-tables.json`, `large-tables.md` (a
table the handbook's pages include) and `large-tables-writer-wait.png` into `--out`
(default: docs/best-practices/measurements).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import platform
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from migration_handbook.backfill import backfill
from migration_handbook.databases import (
    POSTGRES_URL_VARIABLE,
    fresh_postgres_database,
    postgres_server,
)
from migration_handbook.locks import run_with_lock_timeout

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "docs" / "best-practices" / "measurements"
TABLE = "bench_items"
WRITER_INTERVAL = 0.010
BATCH_SIZES = (1_000, 10_000, 50_000)
LOCK_TIMEOUT = 0.1
GUARD = "SET statement_timeout = '600s'"  # no statement of the benchmark can hang for ever
TARGET_RATIO = 0.8
TARGET_WAIT_MS = 100.0
SETTLE = 0.3  # seconds the writer runs alone before and after each scenario (--settle)


class Writer(threading.Thread):
    """Updates one random row about every 10 ms and records each statement's duration."""

    def __init__(self, engine: Engine, rows: int) -> None:
        super().__init__(daemon=True)
        self.engine, self.rows = engine, rows
        self.waits: list[float] = []
        self.error: BaseException | None = None
        self.stopping = threading.Event()

    def run(self) -> None:
        statement = sa.text(f"UPDATE {TABLE} SET counter = counter + 1 WHERE id = :id")
        pick = random.Random(2024).randint
        try:
            with self.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.execute(sa.text(GUARD))
                while not self.stopping.is_set():
                    started = time.perf_counter()
                    conn.execute(statement, {"id": pick(1, self.rows)})
                    self.waits.append(time.perf_counter() - started)
                    self.stopping.wait(WRITER_INTERVAL)
        except BaseException as exc:  # reported by measure()
            self.error = exc

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=900)
        if self.is_alive():
            raise RuntimeError("the writer thread did not stop within 15 minutes")
        if self.error is not None:
            raise RuntimeError(f"the writer failed: {self.error}") from self.error
        if not self.waits:
            raise RuntimeError("the writer ran no statement")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(
    engine: Engine,
    rows: int,
    group: str,
    name: str,
    action: Callable[[], dict[str, Any] | None],
) -> dict[str, Any]:
    """Run `action` while the writer runs; return the scenario's figures."""
    writer = Writer(engine, rows)
    writer.start()
    time.sleep(SETTLE)  # the writer's undisturbed latency is part of its record
    started = time.perf_counter()
    details = action() or {}
    wall = time.perf_counter() - started
    time.sleep(SETTLE)
    writer.stop()
    result = {
        "group": group,
        "scenario": name,
        "wall_seconds": round(wall, 3),
        "rows_per_second": round(rows / wall) if wall > 0 else None,
        "writer_max_ms": round(1000 * max(writer.waits), 1),
        "writer_p99_ms": round(1000 * percentile(writer.waits, 0.99), 1),
        "writer_statements": len(writer.waits),
        **details,
    }
    print(
        f"  {name:<50} {wall:8.2f} s  writer worst {result['writer_max_ms']:8.1f} ms",
        flush=True,
    )
    return result


def execute(engine: Engine, *statements: str) -> None:
    """Run statements one by one, each committed by itself."""
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(sa.text(GUARD))
        for statement in statements:
            conn.execute(sa.text(statement))


def build_table(engine: Engine, rows: int) -> None:
    execute(
        engine,
        f"DROP TABLE IF EXISTS {TABLE}",
        f"CREATE TABLE {TABLE} (id bigint NOT NULL, old_value integer NOT NULL, "
        "new_value integer, label text, counter integer NOT NULL DEFAULT 0)",
        f"INSERT INTO {TABLE} (id, old_value, label) "
        f"SELECT g, g % 1000, 'item ' || g FROM generate_series(1, {rows}) AS g",
        f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)",
        f"VACUUM ANALYZE {TABLE}",
    )


def update_scenarios(engine: Engine, rows: int, repeat: int) -> list[dict[str, Any]]:
    """Each UPDATE scenario `repeat` times, interleaved, on a freshly built table each time.

    A scenario's figures are those of its run with the median wall time; every run's wall
    time and worst wait are kept under "runs".
    """

    def one_statement() -> None:
        execute(engine, f"UPDATE {TABLE} SET new_value = old_value * 2 WHERE new_value IS NULL")

    def batched(size: int) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            report = backfill(
                engine,
                TABLE,
                values={"new_value": "old_value * 2"},
                where="new_value IS NULL",
                batch_size=size,
                progress_bar=False,
            )
            return {"batch_size": size, "batches": report.batches}

        return run

    scenarios: list[tuple[str, Callable[[], dict[str, Any] | None]]] = [
        ("UPDATE, one statement", one_statement),
        *((f"backfill helper, batches of {size:,}", batched(size)) for size in BATCH_SIZES),
    ]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in scenarios}
    for _ in range(repeat):
        for name, action in scenarios:
            build_table(engine, rows)
            runs[name].append(measure(engine, rows, "update", name, action))
            with engine.connect() as conn:
                wrong = conn.execute(
                    sa.text(
                        f"SELECT count(*) FROM {TABLE} WHERE new_value IS DISTINCT FROM old_value * 2"
                    )
                ).scalar_one()
            if wrong:
                raise RuntimeError(f"{name} left {wrong} rows wrong")
    results = []
    for name, _ in scenarios:
        ordered = sorted(runs[name], key=lambda r: r["wall_seconds"])
        median = dict(ordered[(len(ordered) - 1) // 2])
        median["runs"] = [
            {"wall_seconds": r["wall_seconds"], "writer_max_ms": r["writer_max_ms"]}
            for r in runs[name]
        ]
        results.append(median)
    return results


def ddl_scenarios(engine: Engine, rows: int, hold: float) -> list[dict[str, Any]]:
    build_table(engine, rows)
    index = f"ix_{TABLE}_old_value"
    results = [
        measure(
            engine,
            rows,
            "index",
            "CREATE INDEX",
            lambda: execute(engine, f"CREATE INDEX {index} ON {TABLE} (old_value)"),
        )
    ]
    execute(engine, f"DROP INDEX {index}")
    results.append(
        measure(
            engine,
            rows,
            "index",
            "CREATE INDEX CONCURRENTLY",
            lambda: execute(engine, f"CREATE INDEX CONCURRENTLY {index} ON {TABLE} (old_value)"),
        )
    )
    execute(engine, f"DROP INDEX {index}")
    results.append(
        measure(
            engine,
            rows,
            "add column",
            "ADD COLUMN, constant default (0)",
            lambda: execute(
                engine, f"ALTER TABLE {TABLE} ADD COLUMN flag integer NOT NULL DEFAULT 0"
            ),
        )
    )
    results.append(
        measure(
            engine,
            rows,
            "add column",
            "ADD COLUMN, volatile default (clock_timestamp())",
            lambda: execute(
                engine,
                f"ALTER TABLE {TABLE} ADD COLUMN stamped_at timestamptz DEFAULT clock_timestamp()",
            ),
        )
    )
    execute(
        engine,
        f"ALTER TABLE {TABLE} DROP COLUMN flag",
        f"ALTER TABLE {TABLE} DROP COLUMN stamped_at",
    )
    results.append(
        measure(
            engine,
            rows,
            "not null",
            "SET NOT NULL, directly",
            lambda: execute(engine, f"ALTER TABLE {TABLE} ALTER COLUMN label SET NOT NULL"),
        )
    )
    execute(engine, f"ALTER TABLE {TABLE} ALTER COLUMN label DROP NOT NULL")
    results.append(
        measure(
            engine,
            rows,
            "not null",
            "CHECK NOT VALID + VALIDATE + SET NOT NULL",
            lambda: execute(
                engine,
                f"ALTER TABLE {TABLE} ADD CONSTRAINT ck_label_not_null "
                "CHECK (label IS NOT NULL) NOT VALID",
                f"ALTER TABLE {TABLE} VALIDATE CONSTRAINT ck_label_not_null",
                f"ALTER TABLE {TABLE} ALTER COLUMN label SET NOT NULL",
                f"ALTER TABLE {TABLE} DROP CONSTRAINT ck_label_not_null",
            ),
        )
    )
    alter = f"ALTER TABLE {TABLE} ADD COLUMN probe integer"
    results.append(
        measure(
            engine,
            rows,
            "lock timeout",
            f"ALTER behind a {hold:g} s transaction, no lock_timeout",
            lambda: behind_a_long_transaction(engine, hold, lambda: execute(engine, alter)),
        )
    )
    execute(engine, f"ALTER TABLE {TABLE} DROP COLUMN probe")

    def with_helper() -> dict[str, Any]:
        report = run_with_lock_timeout(
            engine, alter, lock_timeout=LOCK_TIMEOUT, attempts=30, backoff=0.2, max_backoff=1.0
        )
        return {"attempts": report.attempts, "lock_timeout_ms": round(1000 * LOCK_TIMEOUT)}

    results.append(
        measure(
            engine,
            rows,
            "lock timeout",
            f"same, lock helper ({round(1000 * LOCK_TIMEOUT)} ms, retries)",
            lambda: behind_a_long_transaction(engine, hold, with_helper),
        )
    )
    execute(engine, f"ALTER TABLE {TABLE} DROP COLUMN probe")
    return results


def behind_a_long_transaction(
    engine: Engine, hold: float, ddl: Callable[[], dict[str, Any] | None]
) -> dict[str, Any]:
    """Run `ddl` while another transaction holds a lock on the table (a read) for `hold` s."""
    ready = threading.Event()
    failure: list[BaseException] = []

    def hold_lock() -> None:
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(GUARD))
                conn.execute(sa.text(f"SELECT count(*) FROM {TABLE} WHERE id = 1"))
                ready.set()
                time.sleep(hold)
                conn.rollback()
        except BaseException as exc:
            failure.append(exc)
            ready.set()

    holder = threading.Thread(target=hold_lock, daemon=True)
    holder.start()
    if not ready.wait(timeout=60) or failure:
        raise RuntimeError(f"the lock holder did not start: {failure}")
    details = ddl() or {}
    holder.join(timeout=hold + 60)
    if holder.is_alive() or failure:
        raise RuntimeError(f"the lock holder failed: {failure}")
    return {"hold_seconds": hold, **details}


def targets(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_name = {r["scenario"]: r for r in results}
    one = by_name["UPDATE, one statement"]
    found = []
    for r in results:
        if "batch_size" not in r:
            continue
        ratio = r["rows_per_second"] / one["rows_per_second"]
        met = ratio >= TARGET_RATIO and r["writer_max_ms"] < TARGET_WAIT_MS
        found.append(
            {
                "target": f"batches of {r['batch_size']:,}: >= {TARGET_RATIO}x the one-statement "
                f"UPDATE's rows/s, writer's worst wait < {TARGET_WAIT_MS:g} ms",
                "met": met,
                "measured": f"{ratio:.2f}x ({r['rows_per_second']:,} vs {one['rows_per_second']:,} "
                f"rows/s), worst wait {r['writer_max_ms']:,} ms "
                f"(one statement: {one['writer_max_ms']:,} ms)",
            }
        )
    plain, concurrent = by_name["CREATE INDEX"], by_name["CREATE INDEX CONCURRENTLY"]
    found.append(
        {
            "target": f"CREATE INDEX CONCURRENTLY: writer's worst wait < {TARGET_WAIT_MS:g} ms",
            "met": concurrent["writer_max_ms"] < TARGET_WAIT_MS,
            "measured": f"worst wait {concurrent['writer_max_ms']:,} ms during a "
            f"{concurrent['wall_seconds']:.2f} s build",
        }
    )
    blocked = plain["writer_max_ms"] / 1000 / plain["wall_seconds"]
    found.append(
        {
            "target": "plain CREATE INDEX blocks the writer for the build (worst wait >= half "
            "the build time)",
            "met": blocked >= 0.5,
            "measured": f"worst wait {plain['writer_max_ms']:,} ms during a "
            f"{plain['wall_seconds']:.2f} s build ({blocked:.2f}x)",
        }
    )
    return found


def environment(engine: Engine, rows: int, hold: float, repeat: int) -> dict[str, Any]:
    with engine.connect() as conn:
        version = conn.execute(sa.text("SHOW server_version")).scalar_one()
    return {
        "benchmark": "benchmarks/large_tables.py",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "postgresql": version,
        "server": "HANDBOOK_POSTGRES_URL"
        if os.environ.get(POSTGRES_URL_VARIABLE)
        else "embedded pgserver",
        "cores": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "machine": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "sqlalchemy": sa.__version__,
        "rows": rows,
        "writer": f"one single-row UPDATE about every {round(WRITER_INTERVAL * 1000)} ms, autocommit",
        "lock_holder_seconds": hold,
        "update_runs": repeat,
    }


def markdown(data: dict[str, Any]) -> str:
    env = data["environment"]
    lines = [
        f"<!-- Written by `uv run python benchmarks/large_tables.py --rows {env['rows']}`; "
        "do not edit by hand. -->",
        "",
        f"Measured {env['date']} on PostgreSQL {env['postgresql']} ({env['server']}), "
        f"{env['cores']} cores, {env['machine']}, Python {env['python']}, SQLAlchemy "
        f"{env['sqlalchemy']}; table of {env['rows']:,} rows; concurrent writer: {env['writer']}. "
        "rows/s is the table's rows divided by the wall time; a p99 equal to the worst wait "
        "means the writer made fewer than 100 statements during the scenario. Each UPDATE "
        f"scenario ran {env['update_runs']} times, interleaved, on a freshly built table; its row "
        "is the run with the median wall time. The other scenarios ran once. Load average "
        f"(1 min) {env['load_average_at_start']} at the start, {env['load_average_at_end']} at "
        "the end: on a busy machine every figure is slower and noisier.",
        "",
        "| scenario | wall time (s) | rows/s | writer's worst wait (ms) | writer's p99 wait (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in data["scenarios"]:
        lines.append(
            f"| {r['scenario']} | {r['wall_seconds']:.2f} | {r['rows_per_second']:,} | "
            f"{r['writer_max_ms']:,.1f} | {r['writer_p99_ms']:,.1f} |"
        )
    lines += ["", "Targets:", ""]
    for t in data["targets"]:
        lines.append(f"- {'met' if t['met'] else '**missed**'}: {t['target']}: {t['measured']}.")
    return "\n".join(lines) + "\n"


def plot(data: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    updates = [r for r in data["scenarios"] if r["group"] == "update"]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for r in updates:
        label = "one statement" if "batch_size" not in r else f"batches of {r['batch_size']:,}"
        ax.scatter(r["rows_per_second"], r["writer_max_ms"], s=50, zorder=3)
        ax.scatter(
            r["rows_per_second"], r["writer_p99_ms"], s=50, marker="x", color="grey", zorder=3
        )
        ax.annotate(
            label,
            (r["rows_per_second"], r["writer_max_ms"]),
            textcoords="offset points",
            xytext=(6, 6),
        )
    ax.axhline(TARGET_WAIT_MS, linestyle="--", color="grey", linewidth=1)
    ax.text(ax.get_xlim()[0], TARGET_WAIT_MS * 1.1, f" {TARGET_WAIT_MS:g} ms target", color="grey")
    ax.set_yscale("log")
    ax.margins(x=0.15, y=0.25)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.set_xlabel("backfill throughput (rows/s)")
    ax.set_ylabel("writer's wait (ms): dot = worst, x = p99")
    env = data["environment"]
    ax.set_title(
        f"Backfilling {env['rows']:,} rows under a concurrent writer (PostgreSQL {env['postgresql']})",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def print_table(data: dict[str, Any]) -> None:
    env = data["environment"]
    print()
    print(
        f"PostgreSQL {env['postgresql']} ({env['server']}), {env['cores']} cores, "
        f"{env['rows']:,} rows, {env['date']}"
    )
    header = f"{'scenario':<48} {'wall s':>8} {'rows/s':>11} {'worst ms':>10} {'p99 ms':>9}"
    print(header)
    print("-" * len(header))
    for r in data["scenarios"]:
        print(
            f"{r['scenario']:<48} {r['wall_seconds']:8.2f} {r['rows_per_second']:>11,} "
            f"{r['writer_max_ms']:10.1f} {r['writer_p99_ms']:9.1f}"
        )
    print()
    for t in data["targets"]:
        print(f"{'MET   ' if t['met'] else 'MISSED'} {t['target']}: {t['measured']}")


@contextmanager
def database() -> Iterator[Engine]:
    with postgres_server() as server, fresh_postgres_database(server, prefix="bench_large") as url:
        engine = sa.create_engine(url, poolclass=NullPool)
        try:
            yield engine
        finally:
            engine.dispose()


def main(argv: list[str] | None = None) -> int:
    global SETTLE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows in the table (default 1,000,000)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the result files")
    parser.add_argument(
        "--hold",
        type=float,
        default=2.0,
        help="seconds the long transaction holds its lock (default 2)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=SETTLE,
        help="seconds the writer runs alone before and after each scenario (default 0.3)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each UPDATE scenario; the median run is reported (default 3)",
    )
    args = parser.parse_args(argv)
    SETTLE = args.settle
    logging.basicConfig(level=logging.WARNING, format="    %(message)s")
    if args.rows < 100:
        parser.error("--rows must be at least 100")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    started = time.perf_counter()
    with database() as engine:
        env = environment(engine, args.rows, args.hold, args.repeat)
        print(f"{args.rows:,} rows on PostgreSQL {env['postgresql']} ({env['server']})", flush=True)
        results = ddl_scenarios(engine, args.rows, args.hold) + update_scenarios(
            engine, args.rows, args.repeat
        )
    env["total_seconds"] = round(time.perf_counter() - started, 1)
    env["load_average_at_end"] = round(os.getloadavg()[0], 2)
    data = {"environment": env, "scenarios": results, "targets": targets(results)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "large-tables.json").write_text(json.dumps(data, indent=2) + "\n")
    (args.out / "large-tables.md").write_text(markdown(data))
    plot(data, args.out / "large-tables-writer-wait.png")
    print_table(data)
    print(
        f"\nwrote {args.out}/large-tables.{{json,md}} and large-tables-writer-wait.png "
        f"in {env['total_seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
