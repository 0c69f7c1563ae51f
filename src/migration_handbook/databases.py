"""Provide throwaway databases: a SQLite file, or a fresh database on a real PostgreSQL server.

The PostgreSQL server is the one `HANDBOOK_POSTGRES_URL` names, or else an embedded server
(the `pgserver` package bundles PostgreSQL's binaries) started in a folder of your choosing.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from migration_handbook.errors import DatabaseUnavailableError

POSTGRES_URL_VARIABLE = "HANDBOOK_POSTGRES_URL"
"""Environment variable naming an existing PostgreSQL server to use instead of an embedded one."""


def url_text(url: URL) -> str:
    """The URL as a string with its password intact (`str(url)` masks it as `***`)."""
    return url.render_as_string(hide_password=False)


def with_psycopg(url: str | URL) -> URL:
    """Point a `postgresql://` URL at the psycopg 3 driver SQLAlchemy needs for it."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_url(folder: str | Path, name: str = "handbook.db") -> URL:
    """A SQLite file database in `folder`."""
    return URL.create("sqlite", database=str(Path(folder) / name))


@contextmanager
def embedded_postgres(data_dir: str | Path | None = None) -> Iterator[URL]:
    """Start a throwaway PostgreSQL server and yield its URL; stop it on exit.

    Raises:
        DatabaseUnavailableError: `pgserver` is missing or the server does not start.
    """
    os.environ.setdefault("XDG_RUNTIME_DIR", _private_runtime_dir())
    try:
        import pgserver
    except ImportError as exc:
        raise DatabaseUnavailableError(
            "the embedded PostgreSQL server needs the `pgserver` package: run `uv sync`, "
            f"or set {POSTGRES_URL_VARIABLE} to a PostgreSQL server's URL."
        ) from exc
    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="handbook-pg-"))
    try:
        server = pgserver.get_server(folder, cleanup_mode="stop")  # type: ignore[attr-defined]
    except Exception as exc:
        raise DatabaseUnavailableError(
            f"the embedded PostgreSQL server did not start in {folder}: {exc}. "
            f"Set {POSTGRES_URL_VARIABLE}=postgresql://USER@HOST:PORT/postgres to use a running "
            "server instead."
        ) from exc
    try:
        yield with_psycopg(server.get_uri())
    finally:
        server.cleanup()


@contextmanager
def postgres_server() -> Iterator[URL]:
    """The server in `HANDBOOK_POSTGRES_URL` if set, else an embedded one; checked to answer."""
    configured = os.environ.get(POSTGRES_URL_VARIABLE)
    if configured:
        url = with_psycopg(configured)
        _check_reachable(url, f"{POSTGRES_URL_VARIABLE}={url.render_as_string()}")
        yield url
    else:
        with embedded_postgres() as url:
            _check_reachable(url, "the embedded PostgreSQL server")
            yield url


@contextmanager
def fresh_postgres_database(server_url: URL, prefix: str = "handbook") -> Iterator[URL]:
    """Create an empty database on the server, yield its URL, and drop it afterwards."""
    name = f"{_identifier(prefix)}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server_url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _check_reachable(url: URL, what: str) -> None:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to {what}: {_one_line(getattr(exc, 'orig', exc))} Start that server, fix the "
            f"URL, or unset {POSTGRES_URL_VARIABLE} to let the tests start their own."
        ) from exc
    finally:
        engine.dispose()


def _identifier(text: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", text.lower())[:40]


def _private_runtime_dir() -> str:
    path = Path(tempfile.gettempdir()) / f"handbook-runtime-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return str(path)


def _one_line(error: object) -> str:
    text = " ".join(str(error).split())
    return text if text.endswith((".", "?")) else f"{text}."
