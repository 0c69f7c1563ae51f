"""examples/test-before-production: the sample test module, the CI workflow, and two bugs that
only one backend catches."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from alembic import command
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from migration_handbook import AlembicProject, MigrationCheckError, check_migrations
from tests.conftest import EXAMPLES

NAME = "test-before-production"
PROJECT = EXAMPLES / NAME
SAMPLE = "tests/test_migrations.py"
URL_VARIABLE = "MIGRATIONS_TEST_DATABASE_URL"


def run_sample(
    copy_example: Callable[[str], Path], url: str | None
) -> subprocess.CompletedProcess[str]:
    """Run the sample test module the way a reader's CI does, in a copy of the example."""
    project = copy_example(PROJECT.name)
    env = {k: v for k, v in os.environ.items() if k not in (URL_VARIABLE, "DATABASE_URL")}
    if url is not None:
        env[URL_VARIABLE] = url
    return subprocess.run(
        [sys.executable, "-m", "pytest", SAMPLE, "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def with_revision(copy_example: Callable[[str], Path], anti_pattern: str) -> AlembicProject:
    """A copy of the example whose second revision is replaced by an anti-pattern."""
    project = copy_example(NAME)
    versions = project / "migrations" / "versions"
    next(versions.glob("*ba062575d7e0*.py")).unlink()
    shutil.copy(next((project / "anti-patterns").glob(f"*{anti_pattern}*.py")), versions)
    return AlembicProject.load(project)


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == ["3f788ff347a8", "ba062575d7e0"]


def test_sample_test_module_passes_on_this_backend(
    database_url: str, copy_example: Callable[[str], Path]
) -> None:
    result = run_sample(copy_example, database_url)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout


def test_sample_test_module_says_what_to_set(copy_example: Callable[[str], Path]) -> None:
    result = run_sample(copy_example, None)
    assert result.returncode == 1
    assert f"{URL_VARIABLE} is not set" in result.stdout


def test_ci_workflow_runs_the_sample_on_postgres() -> None:
    workflow = yaml.safe_load((PROJECT / ".github" / "workflows" / "migrations.yml").read_text())
    job = workflow["jobs"]["migrations"]
    assert job["services"]["postgres"]["image"].startswith("postgres:")
    url = make_url(job["env"][URL_VARIABLE])
    assert url.drivername == "postgresql+psycopg" and url.password is None
    assert job["services"]["postgres"]["env"] == {"POSTGRES_HOST_AUTH_METHOD": "trust"}
    assert any(step.get("run") == f"uv run pytest {SAMPLE}" for step in job["steps"])


def test_integer_default_for_a_boolean_passes_on_sqlite_only(
    backend: str, database_url: str, copy_example: Callable[[str], Path]
) -> None:
    project = with_revision(copy_example, "8ce9364f9d45")
    if backend == "sqlite":
        report = check_migrations(project, database_url)
        assert report.revisions == ["3f788ff347a8", "8ce9364f9d45"]
        engine = sa.create_engine(database_url, poolclass=NullPool)
        command.upgrade(project.config(engine), "head")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO orders (customer_email, total) VALUES ('a@b.c', 1)"))
        orders = sa.Table("orders", sa.MetaData(), autoload_with=engine)
        with engine.connect() as conn:
            assert conn.execute(sa.select(orders.c.is_paid)).scalar_one() is False
        engine.dispose()
    else:
        with pytest.raises(MigrationCheckError) as raised:
            check_migrations(project, database_url)
        message = str(raised.value)
        assert re.match(
            r"upgrade to revision 8ce9364f9d45 \(\S+/2024_03_08_0000-8ce9364f9d45_add_is_paid_"
            r"integer_default\.py\) failed on postgresql [\d.]+: ProgrammingError: "
            r"\(psycopg\.errors\.DatatypeMismatch\) column \"is_paid\" is of type boolean but "
            r"default expression is of type integer\n",
            message,
        ), message
        assert (
            "\n[SQL: ALTER TABLE orders ADD COLUMN is_paid BOOLEAN DEFAULT 0 NOT NULL]" in message
        )


def test_alter_column_without_batch_passes_on_postgresql_only(
    backend: str, database_url: str, copy_example: Callable[[str], Path]
) -> None:
    project = with_revision(copy_example, "625355b41a99")
    if backend == "postgresql":
        report = check_migrations(project, database_url)
        assert report.revisions == ["3f788ff347a8", "625355b41a99"]
    else:
        with pytest.raises(MigrationCheckError) as raised:
            check_migrations(project, database_url)
        message = str(raised.value)
        assert re.match(
            r"upgrade to revision 625355b41a99 \(\S+/2024_03_08_0000-625355b41a99_require_"
            r"customer_email_without_batch\.py\) failed on sqlite [\d.]+: OperationalError: "
            r"\(sqlite3\.OperationalError\) near \"ALTER\": syntax error\n"
            r"\[SQL: ALTER TABLE orders ALTER COLUMN customer_email SET NOT NULL\]",
            message,
        ), message


def test_the_fix_renders_for_each_backend(backend: str, engine: Engine) -> None:
    """sa.false() renders false / 0; batch mode is a plain ALTER on PostgreSQL, a rebuild on SQLite."""
    project = AlembicProject.load(PROJECT)
    command.upgrade(project.config(engine), "3f788ff347a8")
    emitted: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        emitted.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        command.upgrade(project.config(engine), "ba062575d7e0")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    ddl = [s for s in emitted if s.startswith(("ALTER", "CREATE", "DROP"))]
    if backend == "postgresql":
        assert ddl == [
            "ALTER TABLE orders ALTER COLUMN customer_email SET NOT NULL",
            "ALTER TABLE orders ADD COLUMN is_paid BOOLEAN DEFAULT false NOT NULL",
        ]
    else:
        assert ddl[0].startswith("CREATE TABLE _alembic_tmp_orders (")
        assert "is_paid BOOLEAN DEFAULT 0 NOT NULL" in ddl[0]
        assert ddl[1:] == ["DROP TABLE orders", "ALTER TABLE _alembic_tmp_orders RENAME TO orders"]
        copy = [s for s in emitted if s.startswith("INSERT INTO _alembic_tmp_orders")]
        assert len(copy) == 1 and copy[0].endswith("FROM orders")
        assert emitted.index(copy[0]) < emitted.index("DROP TABLE orders")
