"""Each check of the harness passes on a good example and fails on a migration built to break it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from migration_handbook import (
    AlembicProject,
    MigrationCheckError,
    check_clean_base,
    check_migrations,
    check_server_defaults,
    run_stairway,
)
from migration_handbook.errors import DatabaseUnavailableError
from tests.conftest import EXAMPLES

EXAMPLE = "create-user-table"
HEAD = "3c7d0f2a9b41"
REV = "a1b2c3d4e5f6"

REVISION = '''"""{message}

Revision ID: {rev}
Revises: {down}
Create Date: 2023-01-02 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def indent(code: str) -> str:
    return "\n".join(f"    {line}" for line in code.strip().splitlines())


@pytest.fixture
def project_with(copy_example: Callable[[str], Path]) -> Callable[[str, str], AlembicProject]:
    """A copy of the example with one more revision on top, made of the given bodies."""

    def make(upgrade: str, downgrade: str) -> AlembicProject:
        folder = copy_example(EXAMPLE)
        path = folder / "migrations" / "versions" / f"2023_01_02_0000-{REV}_broken_on_purpose.py"
        path.write_text(
            REVISION.format(
                message="broken on purpose",
                rev=REV,
                down=HEAD,
                upgrade=indent(upgrade),
                downgrade=indent(downgrade),
            )
        )
        return AlembicProject.load(folder)

    return make


ADD_NICKNAME = 'op.add_column("users", sa.Column("nickname", sa.String(50)))'
DROP_NICKNAME = 'with op.batch_alter_table("users") as batch:\n    batch.drop_column("nickname")'


def test_good_example_passes_with_url_engine_and_connection(
    database_url: str, engine: Engine
) -> None:
    project = AlembicProject.load(EXAMPLES / EXAMPLE)
    assert check_migrations(project, database_url).revisions == [HEAD]
    command.downgrade(project.config(engine), "base")  # the harness left the database at base
    assert check_migrations(project, engine).revisions == [HEAD]
    with engine.connect() as conn:
        assert check_migrations(project, conn).revisions == [HEAD]


def test_failing_upgrade_names_revision_file_and_backend(
    backend: str, database_url: str, project_with: Callable[[str, str], AlembicProject]
) -> None:
    project = project_with('op.execute("ALTER TABLE nowhere ADD COLUMN x INTEGER")', "pass")
    with pytest.raises(MigrationCheckError) as raised:
        check_migrations(project, database_url)
    message = str(raised.value)
    assert message.startswith(f"upgrade to revision {REV} (")
    assert "_broken_on_purpose.py) failed on " + backend in message


def test_downgrade_that_leaves_a_column(
    backend: str, database_url: str, project_with: Callable[[str, str], AlembicProject]
) -> None:
    project = project_with(ADD_NICKNAME, "pass")
    with pytest.raises(
        MigrationCheckError, match=rf"downgrade of revision {REV} .* on {backend}"
    ) as raised:
        run_stairway(project, database_url)
    assert "tables > users > columns: 'nickname' is new" in str(raised.value)


def test_downgrade_that_drops_too_much(
    backend: str, database_url: str, project_with: Callable[[str, str], AlembicProject]
) -> None:
    project = project_with(
        ADD_NICKNAME, DROP_NICKNAME + '\nop.drop_index("ix_users_email", table_name="users")'
    )
    with pytest.raises(
        MigrationCheckError, match=rf"downgrade of revision {REV} .* on {backend}"
    ) as raised:
        run_stairway(project, database_url)
    assert "ix_users_email" in str(raised.value)


def test_re_upgrade_catches_leftovers_reflection_cannot_see(
    backend: str, database_url: str, project_with: Callable[[str, str], AlembicProject]
) -> None:
    # A trigger (SQLite) or function (PostgreSQL) is not part of a reflected schema: the downgrade
    # forgets it, the schema comparison passes, and the second upgrade trips over it.
    if backend == "sqlite":
        leftover = (
            'op.execute("CREATE TRIGGER users_touch AFTER UPDATE ON users '
            'BEGIN UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END")'
        )
    else:
        leftover = (
            'op.execute("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql '
            "AS 'BEGIN NEW.updated_at := now(); RETURN NEW; END'\")"
        )
    project = project_with(leftover, "pass")
    with pytest.raises(
        MigrationCheckError,
        match=rf"(?s)re-upgrade of revision {REV} .* after its downgrade failed: upgrade to revision {REV} .* failed on {backend}.*already exists.*drop it in downgrade",
    ):
        run_stairway(project, database_url)


def test_models_that_drift_from_the_migrations(
    backend: str, database_url: str, project_with: Callable[[str, str], AlembicProject]
) -> None:
    project = project_with(ADD_NICKNAME, DROP_NICKNAME)
    assert run_stairway(project, database_url).revisions == [HEAD, REV]  # the round trip is fine
    with pytest.raises(
        MigrationCheckError, match=rf"models and the migrations disagree at head on {backend}"
    ) as raised:
        check_migrations(project, database_url)
    assert "nickname" in str(raised.value)


UNEVALUABLE_DEFAULT = {
    # SQLite accepts any expression in CREATE TABLE and evaluates it at INSERT time.
    "sqlite": ("sa.DateTime()", "sa.text('now()')", "unknown function: now()"),
    # PostgreSQL checks that a default's functions exist at CREATE time, but a missing setting
    # only fails when the default is evaluated: at INSERT time.
    "postgresql": (
        "sa.Text()",
        "sa.text(\"current_setting('app.tenant')\")",
        'unrecognized configuration parameter "app.tenant"',
    ),
}


def test_server_default_the_backend_cannot_evaluate(
    backend: str, engine: Engine, project_with: Callable[[str, str], AlembicProject]
) -> None:
    type_, default, error = UNEVALUABLE_DEFAULT[backend]
    project = project_with(
        f'op.create_table("notes", sa.Column("id", sa.Integer(), primary_key=True), '
        f'sa.Column("value", {type_}, server_default={default}, nullable=False))',
        'op.drop_table("notes")',
    )
    command.upgrade(project.config(engine), "head")  # the migration itself succeeds
    with pytest.raises(
        MigrationCheckError, match=rf"table 'notes' on {backend} .*failed: {re.escape(error)}"
    ):
        check_server_defaults(project, engine)
    with engine.connect() as conn:  # the check leaves no rows behind
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 0


@pytest.mark.backends("sqlite")
def test_boolean_default_stored_as_text(
    engine: Engine, project_with: Callable[[str, str], AlembicProject]
) -> None:
    project = project_with(
        'op.add_column("users", sa.Column("is_admin", sa.Boolean(), server_default=\'false\', nullable=False))',
        DROP_NICKNAME.replace("nickname", "is_admin"),
    )
    command.upgrade(project.config(engine), "head")
    with pytest.raises(
        MigrationCheckError,
        match=r"column 'is_admin' .* stored 'false' \(str\), which is not a boolean",
    ):
        check_server_defaults(project, engine)


def test_clean_base_reports_leftovers(backend: str, engine: Engine) -> None:
    project = AlembicProject.load(EXAMPLES / EXAMPLE)
    check_clean_base(project, engine)  # an empty database is clean
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE forgotten (id INTEGER PRIMARY KEY)")
    with pytest.raises(
        MigrationCheckError, match=rf"downgrading to base on {backend}.*tables: forgotten"
    ):
        check_clean_base(project, engine)


def test_refuses_a_database_that_is_not_empty(backend: str, engine: Engine) -> None:
    project = AlembicProject.load(EXAMPLES / EXAMPLE)
    command.upgrade(project.config(engine), "head")
    with pytest.raises(
        MigrationCheckError, match=rf"not empty: it is at \('{HEAD}',\) on {backend}"
    ):
        check_migrations(project, engine)


def test_unreachable_database_names_the_url() -> None:
    project = AlembicProject.load(EXAMPLES / EXAMPLE)
    with pytest.raises(
        DatabaseUnavailableError,
        match=r"cannot connect to postgresql\+psycopg://nobody@127.0.0.1:9/app",
    ):
        check_migrations(project, "postgresql+psycopg://nobody@127.0.0.1:9/app")
