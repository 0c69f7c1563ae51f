"""Run Alembic commands for one project against one database, and report failures by revision."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import Script
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import NullPool

from migration_handbook.errors import DatabaseUnavailableError, MigrationCheckError
from migration_handbook.project import AlembicProject
from migration_handbook.schema import Snapshot, snapshot_schema

Target = str | URL | Engine | Connection
"""Where migrations run: a database URL, an `Engine`, or a `Connection` the caller owns."""


class MigrationRunner:
    """Upgrades, downgrades and inspects one database for one Alembic project.

    A URL gets an engine of its own (disposed by [`close`][migration_handbook.runner.MigrationRunner.close]);
    an `Engine` or `Connection` is handed to the project's `env.py` through
    `config.attributes["connection"]`, so `env.py` must accept both (the handbook's examples do).
    """

    def __init__(self, project: AlembicProject, target: Target) -> None:
        self.project = project
        self._owned_engine: Engine | None = None
        self.connection: Connection | None = None
        if isinstance(target, Connection):
            self.connection = target
            self.engine = target.engine
        elif isinstance(target, Engine):
            self.engine = target
        else:
            self.engine = self._owned_engine = sa.create_engine(target, poolclass=NullPool)
        try:
            with self.connect() as conn:
                version = ".".join(str(p) for p in (conn.dialect.server_version_info or ()))
        except sa.exc.DBAPIError as exc:
            self.close()
            raise DatabaseUnavailableError(
                f"cannot connect to {self.engine.url.render_as_string()}: {exc.orig}. "
                "Check the URL (DATABASE_URL or HANDBOOK_POSTGRES_URL) and that the server runs."
            ) from exc
        self.backend = f"{self.engine.dialect.name} {version}".strip()
        """The backend's name and server version, as failure messages show it."""

    def close(self) -> None:
        """Dispose of the engine this runner created, if any."""
        if self._owned_engine is not None:
            self._owned_engine.dispose()

    def __enter__(self) -> MigrationRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for queries outside Alembic: the caller's own, or a new one."""
        if self.connection is not None:
            try:
                yield self.connection
            finally:
                if self.connection.in_transaction():
                    self.connection.rollback()
        else:
            with self.engine.connect() as conn:
                yield conn

    def upgrade(self, revision: Script | str) -> None:
        """Upgrade to `revision`; a failure names the revision, its file and the backend."""
        self._run(command.upgrade, revision, "upgrade to")

    def downgrade(self, revision: Script | str) -> None:
        """Downgrade to `revision` (a `Script`, a revision id, or `"base"`)."""
        self._run(command.downgrade, revision, "downgrade to")

    def current_heads(self) -> tuple[str, ...]:
        """The revisions recorded in `alembic_version`."""
        with self.connect() as conn:
            return MigrationContext.configure(conn).get_current_heads()

    def snapshot(self) -> Snapshot:
        """The database's schema, reflected (see [`snapshot_schema`][migration_handbook.schema.snapshot_schema])."""
        with self.connect() as conn:
            return snapshot_schema(conn)

    def describe(self, revision: Script | str) -> str:
        """`revision abc123 (versions/2024_..._add_x.py)`, for messages."""
        if isinstance(revision, Script):
            return f"revision {revision.revision} ({revision.path})"
        return "base" if revision == "base" else f"revision {revision}"

    def _run(self, fn: Any, revision: Script | str, verb: str) -> None:
        target = revision.revision if isinstance(revision, Script) else revision
        connectable = self.connection if self.connection is not None else self.engine
        try:
            fn(self.project.config(connectable), target)
        except Exception as exc:
            if self.connection is not None and self.connection.in_transaction():
                self.connection.rollback()
            raise MigrationCheckError(
                f"{verb} {self.describe(revision)} failed on {self.backend}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if self.connection is not None and self.connection.in_transaction():
            self.connection.commit()
