"""examples/name-every-constraint: named constraints can be targeted later; unnamed ones cannot.

Also the deployment check `alembic current --check-heads` (page: guidelines/use-alembic.md).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.util import DatabaseNotAtHead
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, check_migrations
from tests.conftest import EXAMPLES, forget_package

NAME = "name-every-constraint"
PROJECT = EXAMPLES / NAME
FIRST, HEAD = "fbd54c8a0089", "7871f36afaaa"
PACKAGE = "member_directory"
UNNAMED = "2024_03_01_0900-fbd54c8a0089_create_members_table.py"
CHECK_OMITTED = re.escape(
    "Unnamed CHECK constraint on reflected table 'members' is being omitted from the table recreate"
)


@pytest.fixture
def unnamed(copy_example: Callable[[str], Path]) -> Iterator[AlembicProject]:
    """A copy of the example without a naming convention, whose first revision creates its
    constraints without names (the files in anti-patterns/)."""
    root = copy_example(NAME)
    shutil.copy(root / "anti-patterns" / UNNAMED, root / "migrations" / "versions" / UNNAMED)
    shutil.copy(root / "anti-patterns" / "models.py", root / PACKAGE / "models.py")
    forget_package(PACKAGE)
    yield AlembicProject.load(root)
    forget_package(PACKAGE)


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(
        AlembicProject.load(PROJECT), database_url, values={"members.email": "ada@example.com"}
    )
    assert report.revisions == [FIRST, HEAD]


def test_named_constraints_have_the_convention_names(engine: Engine) -> None:
    command.upgrade(AlembicProject.load(PROJECT).config(engine), FIRST)
    inspector = sa.inspect(engine)
    assert [uq["name"] for uq in inspector.get_unique_constraints("members")] == [
        "uq_members_email"
    ]
    assert [ck["name"] for ck in inspector.get_check_constraints("members")] == [
        "ck_members_email_length"
    ]


def test_at_head_the_named_constraints_are_all_there(engine: Engine) -> None:
    command.upgrade(AlembicProject.load(PROJECT).config(engine), "head")
    inspector = sa.inspect(engine)
    assert [uq["name"] for uq in inspector.get_unique_constraints("members")] == [
        "uq_members_tenant_id"
    ]
    assert [ck["name"] for ck in inspector.get_check_constraints("members")] == [
        "ck_members_email_length"
    ]


def test_unnamed_constraints_get_the_backends_names(
    engine: Engine, backend: str, unnamed: AlembicProject
) -> None:
    command.upgrade(unnamed.config(engine), FIRST)
    inspector = sa.inspect(engine)
    unique = [uq["name"] for uq in inspector.get_unique_constraints("members")]
    checks = [ck["name"] for ck in inspector.get_check_constraints("members")]
    if backend == "postgresql":
        assert (unique, checks) == (["members_email_key"], ["members_email_check"])
    else:
        assert (unique, checks) == ([None], [None])


def test_dropping_an_unnamed_constraint_by_the_convention_name_fails(
    engine: Engine, backend: str, unnamed: AlembicProject
) -> None:
    project = unnamed
    command.upgrade(project.config(engine), FIRST)
    if backend == "postgresql":
        with pytest.raises(sa.exc.ProgrammingError) as failure:
            command.upgrade(project.config(engine), HEAD)
        message = str(failure.value)
        assert (
            '(psycopg.errors.UndefinedObject) constraint "uq_members_email" of relation '
            '"members" does not exist' in message
        )
        assert "[SQL: ALTER TABLE members DROP CONSTRAINT uq_members_email]" in message
    else:
        with (
            pytest.warns(UserWarning, match=CHECK_OMITTED),
            pytest.raises(ValueError, match="No such constraint: 'uq_members_email'"),
        ):
            command.upgrade(project.config(engine), HEAD)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == (FIRST,)
    assert "tenant_id" not in {c["name"] for c in sa.inspect(engine).get_columns("members")}


def test_a_constraint_without_a_name_cannot_be_dropped(
    engine: Engine, backend: str, unnamed: AlembicProject
) -> None:
    command.upgrade(unnamed.config(engine), FIRST)
    with engine.connect() as conn:
        op = Operations(MigrationContext.configure(conn, opts={"render_as_batch": True}))
        if backend == "postgresql":
            no_name = "Can't emit DROP CONSTRAINT for constraint UniqueConstraint(); it has no name"
            with pytest.raises(sa.exc.CompileError, match=re.escape(no_name)):
                op.drop_constraint(None, "members", type_="unique")  # type: ignore[arg-type]
        else:
            with (
                pytest.warns(UserWarning, match=CHECK_OMITTED),
                pytest.raises(ValueError, match="Constraint must have a name"),
                op.batch_alter_table("members") as batch_op,
            ):
                batch_op.drop_constraint(None, type_="unique")  # type: ignore[arg-type]


@pytest.mark.backends("sqlite")
def test_sqlite_batch_mode_drops_an_unnamed_check(engine: Engine, unnamed: AlembicProject) -> None:
    """SQLite only: batch mode is how SQLite alters tables; PostgreSQL alters them in place."""
    command.upgrade(unnamed.config(engine), FIRST)
    with engine.connect() as conn:
        op = Operations(MigrationContext.configure(conn))
        with (
            pytest.warns(UserWarning, match=CHECK_OMITTED),
            op.batch_alter_table("members") as batch_op,
        ):
            batch_op.alter_column("email", type_=sa.String(400))  # SQLite: rebuilds the table
        conn.commit()
    assert sa.inspect(engine).get_check_constraints("members") == []
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO members (email) VALUES ('a')"))  # no longer refused


def test_named_check_survives_a_table_rebuild(engine: Engine) -> None:
    command.upgrade(AlembicProject.load(PROJECT).config(engine), FIRST)
    with engine.connect() as conn:
        op = Operations(MigrationContext.configure(conn))
        with op.batch_alter_table("members") as batch_op:
            batch_op.alter_column("email", type_=sa.String(400))  # SQLite: rebuilds the table
        conn.commit()
    assert [ck["name"] for ck in sa.inspect(engine).get_check_constraints("members")] == [
        "ck_members_email_length"
    ]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO members (email) VALUES ('a')"))


def test_current_check_heads_passes_at_head_and_fails_behind(engine: Engine) -> None:
    project = AlembicProject.load(PROJECT)
    command.upgrade(project.config(engine), FIRST)
    with pytest.raises(DatabaseNotAtHead, match="Database is not on all head revisions"):
        command.current(project.config(engine), check_heads=True)
    command.upgrade(project.config(engine), "head")
    output = io.StringIO()
    command.current(project.config(engine, output=output), check_heads=True)
    assert output.getvalue().strip() == f"{HEAD} (head)"


def test_current_check_heads_fails_on_an_empty_database(engine: Engine) -> None:
    with pytest.raises(DatabaseNotAtHead):
        command.current(AlembicProject.load(PROJECT).config(engine), check_heads=True)


def test_cli_check_heads_exit_status(database_url: str, engine: Engine) -> None:
    project = AlembicProject.load(PROJECT)

    def check_heads() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(PROJECT / "alembic.ini")]
            + ["current", "--check-heads"],
            env={**os.environ, "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            timeout=60,
        )

    empty = check_heads()  # no alembic_version yet
    assert empty.returncode == 255
    assert "FAILED: Database is not on all head revisions" in empty.stdout + empty.stderr
    command.upgrade(project.config(engine), FIRST)
    behind = check_heads()
    assert behind.returncode == 255
    assert "FAILED: Database is not on all head revisions" in behind.stdout + behind.stderr
    command.upgrade(project.config(engine), "head")
    at_head = check_heads()
    assert at_head.returncode == 0
    assert f"{HEAD} (head)" in at_head.stdout


def test_reference_env_needs_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference env.py (examples/create-user-table) reads the URL from DATABASE_URL only."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    project = AlembicProject.load(EXAMPLES / "create-user-table")
    with pytest.raises(
        SystemExit,
        match="DATABASE_URL is not set. Set it to the database to migrate, for example",
    ):
        command.upgrade(project.config(), "head")


# The source's version, kept to show what is wrong with it: it fails the harness on SQLite
# (tests/examples/test_source_create_user_table.py asserts how) and passes on PostgreSQL.
COUNTER_EXAMPLES = {"source-create-user-table"}


@pytest.mark.parametrize(
    "example",
    sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name not in COUNTER_EXAMPLES),
)
def test_every_example_has_a_harness_test(example: str) -> None:
    """Page claim: every example runs through check_migrations (on every backend, via
    `database_url`) in its own tests/examples/test_<name>.py."""
    tests = Path(__file__).with_name(f"test_{example.replace('-', '_')}.py")
    assert tests.is_file(), f"{example} has no {tests.name}"
    assert re.search(
        r"def test_\w*passes\w*\([^)]*database_url[^)]*\)[^\n]*:\n(?:    .*\n|\n)*?"
        r"    .*check_migrations\(",
        tests.read_text(),
    ), f"{tests.name} has no test that runs check_migrations on `database_url`"
