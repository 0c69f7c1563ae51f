"""Back up a database before a migration, restore it, and prove the restore by checksums.

- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --single-transaction`.
  The binaries come from the `pgserver` package when it is installed (PostgreSQL 16), else from
  `PATH`; `pg_dump` must be at least as new as the server's major version.
- SQLite: the online backup API of Python's `sqlite3` (`Connection.backup`), which copies a
  consistent snapshot even while other connections write.

[`table_checksums`][migration_handbook.backup.table_checksums] gives a row count and a checksum
per table, so "the restore brought everything back" is a comparison, not a hope.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import NullPool

from migration_handbook.errors import HandbookError

PG_BIN_VARIABLE = "HANDBOOK_PG_BIN"
"""Environment variable naming a folder that holds `pg_dump` and `pg_restore`, tried first."""


class BackupError(HandbookError):
    """A backup or restore could not be made; the message names the file, binary or setting."""


@dataclass(frozen=True)
class TableChecksum:
    """The content of one table, summarised."""

    rows: int
    """Number of rows."""
    sha256: str
    """SHA-256 over the column names and every row, in primary-key order."""


def backup_database(url: str | URL, path: str | Path) -> Path:
    """Write a backup of the database at `url` to `path` and return the path.

    PostgreSQL gets a `pg_dump` custom-format archive (restore it with `pg_restore`, or with
    [`restore_database`][migration_handbook.backup.restore_database]); SQLite gets a copy of the
    database file made with the online backup API.

    Raises:
        BackupError: no suitable `pg_dump`, `pg_dump` failed, or the SQLite database is not a file.
    """
    url = make_url(url)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_file(url, must_exist=True)
        _sqlite_copy(source, target)
    elif url.get_backend_name() == "postgresql":
        pg_dump = find_pg_tool("pg_dump", server_major=_server_major(url))
        _run([str(pg_dump), "--format=custom", f"--file={target}", _conninfo(url)], url, "pg_dump")
    else:
        raise BackupError(_unsupported(url))
    return target


def restore_database(path: str | Path, url: str | URL) -> None:
    """Restore the backup at `path` (made by `backup_database`) into the database at `url`.

    PostgreSQL: `pg_restore --clean --if-exists --single-transaction --no-owner` drops every
    object the backup holds and recreates it with its rows, all or nothing. Objects created after
    the backup that the backup does not know about (a table a migration added) are left alone:
    restore into an empty database when you need exactly the backed-up state.
    SQLite: the backup's pages replace the whole database file's content.

    Raises:
        BackupError: the backup file is missing, no suitable `pg_restore`, or it failed.
    """
    url = make_url(url)
    source = Path(path)
    if not source.is_file():
        raise BackupError(
            f"{source}: no such backup file. Pass the path backup_database() returned."
        )
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, _sqlite_file(url, must_exist=False))
    elif url.get_backend_name() == "postgresql":
        pg_restore = find_pg_tool("pg_restore", server_major=_server_major(url))
        _run(
            [
                str(pg_restore),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                f"--dbname={_conninfo(url)}",
                str(source),
            ],
            url,
            "pg_restore",
        )
    else:
        raise BackupError(_unsupported(url))


def table_checksums(connection: Connection) -> dict[str, TableChecksum]:
    """Row count and checksum of every table the connection sees, keyed by table name.

    Rows are read in primary-key order (all columns when a table has no primary key); the
    checksum covers the column names too, so dropping an empty column changes it. Compare
    checksums taken on the same backend: values are hashed as the driver returns them.
    """
    inspector = sa.inspect(connection)
    result: dict[str, TableChecksum] = {}
    for name in sorted(inspector.get_table_names()):
        table = sa.Table(name, sa.MetaData(), autoload_with=connection)
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256(repr([c.name for c in table.columns]).encode())
        rows = 0
        for row in connection.execute(sa.select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
            rows += 1
        result[name] = TableChecksum(rows=rows, sha256=digest.hexdigest())
    return result


def find_pg_tool(name: str, *, server_major: int | None = None) -> Path:
    """Find a PostgreSQL client binary (`pg_dump`, `pg_restore`) new enough for the server.

    Looks in `$HANDBOOK_PG_BIN`, then the `pgserver` package's `pginstall/bin`, then `PATH`, and
    returns the first whose major version is at least `server_major`.

    Raises:
        BackupError: none found, or none new enough; the message lists what was tried.
    """
    tried: list[str] = []
    for folder in _pg_bin_folders():
        candidate = folder / name
        if not candidate.is_file():
            continue
        major = _tool_major(candidate)
        tried.append(f"{candidate} ({major or 'unknown version'})")
        if server_major is None or (major is not None and major >= server_major):
            return candidate
    needed = f" {server_major} or newer" if server_major else ""
    found = f" Found only: {', '.join(tried)}." if tried else ""
    raise BackupError(
        f"no {name}{needed} found in ${PG_BIN_VARIABLE}, the pgserver package or PATH.{found} "
        f"Install the PostgreSQL client tools of the server's version (e.g. "
        f"`apt install postgresql-client-{server_major or 16}`), run `uv sync` to get pgserver's, "
        f"or set {PG_BIN_VARIABLE} to the folder that holds {name}."
    )


def _pg_bin_folders() -> list[Path]:
    folders: list[Path] = []
    if os.environ.get(PG_BIN_VARIABLE):
        folders.append(Path(os.environ[PG_BIN_VARIABLE]))
    # Locate pgserver without importing it (the import sets up runtime folders).
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        folders.append(Path(spec.origin).parent / "pginstall" / "bin")
    folders.extend(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)
    return folders


def _tool_major(binary: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _server_major(url: URL) -> int:
    engine = sa.create_engine(url.set(drivername="postgresql+psycopg"), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            number = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
    except sa.exc.SQLAlchemyError as exc:
        raise BackupError(
            f"cannot connect to {url.render_as_string()}: {getattr(exc, 'orig', exc)}"
        ) from exc
    finally:
        engine.dispose()
    return number // 10000


def _conninfo(url: URL) -> str:
    """A libpq connection string without the password (that goes in PGPASSWORD)."""
    params: dict[str, str | int | None] = {
        "dbname": url.database,
        "user": url.username,
        "host": url.host,
        "port": url.port,
    }
    for key, value in url.query.items():
        params[key] = value if isinstance(value, str) else value[-1]
    return make_conninfo("", **{k: v for k, v in params.items() if v not in (None, "")})


def _run(args: list[str], url: URL, tool: str) -> None:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(
            f"{tool} failed (exit {result.returncode}) for {url.render_as_string()}: "
            f"{result.stderr.strip()}"
        )


def _sqlite_file(url: URL, *, must_exist: bool) -> Path:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(
            f"{url.render_as_string()}: only a SQLite database file can be backed up or "
            "restored this way; use a URL like sqlite:///app.db."
        )
    path = Path(database)
    if must_exist and not path.is_file():
        raise BackupError(f"{path}: no such SQLite database file. Check the URL's path.")
    return path


def _sqlite_copy(source: Path, destination: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(destination)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _unsupported(url: URL) -> str:
    return (
        f"{url.render_as_string()}: backups are implemented for sqlite and postgresql, not "
        f"{url.get_backend_name()}. Use that database's own dump tool."
    )


__all__ = [
    "PG_BIN_VARIABLE",
    "BackupError",
    "TableChecksum",
    "backup_database",
    "find_pg_tool",
    "restore_database",
    "table_checksums",
]
