"""examples/never-delete-applied-migrations: what deleting an applied revision breaks, and a safe
squash (a baseline for new databases, a stamp for existing ones)."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from migration_handbook import AlembicProject, check_migrations, diff_schemas, snapshot_schema
from migration_handbook.databases import fresh_postgres_database, sqlite_url, url_text
from tests.conftest import EXAMPLES

NAME = "never-delete-applied-migrations"
PROJECT = EXAMPLES / NAME
OLD = ["4fda5724d72a", "206e15258427", "02d751d2e334"]
BASELINE = "ac717088bbfe"


def old_history(copy_example: Callable[[str], Path]) -> Path:
    """A copy of the example as it was before the squash: the three old revisions in versions/."""
    project = copy_example(NAME)
    versions = project / "migrations" / "versions"
    shutil.rmtree(versions)
    shutil.copytree(project / "history-before-squash", versions)
    return project


def heads(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_heads()


def baseline_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(PROJECT))
    return importlib.import_module("squash_catalog.baseline")


@contextmanager
def another_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Engine]:
    if backend == "sqlite":
        engine = sa.create_engine(sqlite_url(tmp_path, "other.db"), poolclass=NullPool)
        yield engine
        engine.dispose()
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_server_url"), "squash") as url:
        engine = sa.create_engine(url_text(url), poolclass=NullPool)
        yield engine
        engine.dispose()


def test_squashed_project_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == [BASELINE]


def test_old_history_passed_every_harness_check_too(
    database_url: str, copy_example: Callable[[str], Path]
) -> None:
    report = check_migrations(AlembicProject.load(old_history(copy_example)), database_url)
    assert report.revisions == OLD


def test_deleting_an_applied_revision_breaks_the_database(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    folder = old_history(copy_example)
    command.upgrade(AlembicProject.load(folder).config(engine), "head")
    next((folder / "migrations" / "versions").glob(f"*{OLD[-1]}*.py")).unlink()
    project = AlembicProject.load(folder)  # the files alone look fine: the history is intact
    assert project.head() == OLD[1]
    with pytest.raises(CommandError, match=f"Can't locate revision identified by '{OLD[-1]}'"):
        command.upgrade(project.config(engine), "head")
    with pytest.raises(CommandError, match=f"Can't locate revision identified by '{OLD[-1]}'"):
        command.downgrade(project.config(engine), "base")
    with pytest.raises(CommandError, match=f"Can't locate revision identified by '{OLD[-1]}'"):
        command.current(project.config(engine))


def test_old_history_and_baseline_build_the_same_schema(
    backend: str,
    engine: Engine,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    copy_example: Callable[[str], Path],
) -> None:
    command.upgrade(AlembicProject.load(old_history(copy_example)).config(engine), "head")
    with another_database(backend, tmp_path, request) as fresh:
        command.upgrade(AlembicProject.load(PROJECT).config(fresh), "head")
        with engine.connect() as old_conn, fresh.connect() as new_conn:
            assert diff_schemas(snapshot_schema(old_conn), snapshot_schema(new_conn)) == []
        assert heads(engine) == (OLD[-1],) and heads(fresh) == (BASELINE,)


def test_adopt_baseline_stamps_an_existing_database(
    engine: Engine, copy_example: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline = baseline_module(monkeypatch)
    command.upgrade(AlembicProject.load(old_history(copy_example)).config(engine), "head")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO products (name, price) VALUES ('tea', 3.5)")
        before = snapshot_schema(conn)
    project = AlembicProject.load(PROJECT)
    with engine.connect() as conn:
        assert (
            baseline.adopt_baseline(project.config(), conn) == f"stamped {BASELINE} over {OLD[-1]}"
        )
    assert heads(engine) == (BASELINE,)
    command.upgrade(project.config(engine), "head")  # nothing to run: already at head
    with engine.connect() as conn:
        assert diff_schemas(before, snapshot_schema(conn)) == []
        assert conn.exec_driver_sql("SELECT name FROM products").scalars().all() == ["tea"]
        again = baseline.adopt_baseline(project.config(), conn)
    assert again == f"already at the baseline {BASELINE}: nothing to do"


def test_adopt_baseline_refuses_a_database_behind_the_old_head(
    engine: Engine, copy_example: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline = baseline_module(monkeypatch)
    command.upgrade(AlembicProject.load(old_history(copy_example)).config(engine), OLD[1])
    with engine.connect() as conn, pytest.raises(RuntimeError) as raised:
        baseline.adopt_baseline(AlembicProject.load(PROJECT).config(), conn)
    assert str(raised.value) == (
        f"the database is at ['{OLD[1]}'], not at {OLD[-1]}, the last revision before the "
        "squash. Upgrade it to that revision with the previous release first; stamping it now "
        "would skip the revisions it has not run. An empty database needs no stamp: run "
        "`alembic upgrade head`."
    )
    assert heads(engine) == (OLD[1],)


def test_baseline_has_no_down_revision() -> None:
    [baseline] = AlembicProject.load(PROJECT).revisions()
    assert (baseline.revision, baseline.down_revision) == (BASELINE, None)


def test_stamp_without_purge_cannot_find_the_old_head(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    """Why adopt_baseline passes purge=True: the old ids are no longer in versions/."""
    command.upgrade(AlembicProject.load(old_history(copy_example)).config(engine), "head")
    with pytest.raises(CommandError, match=f"Can't locate revision identified by '{OLD[-1]}'"):
        command.stamp(AlembicProject.load(PROJECT).config(engine), BASELINE)
    assert heads(engine) == (OLD[-1],)


def test_deployment_runs_the_module(
    database_url: str, engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    """`python -m squash_catalog.baseline`, as the release's deployment runs it."""
    command.upgrade(AlembicProject.load(old_history(copy_example)).config(engine), "head")
    result = subprocess.run(
        [sys.executable, "-m", "squash_catalog.baseline"],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"stamped {BASELINE} over {OLD[-1]}"
    assert heads(engine) == (BASELINE,)
