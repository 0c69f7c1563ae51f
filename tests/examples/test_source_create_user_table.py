"""examples/source-create-user-table: what is wrong with the source's create_user_table, per backend."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, MigrationCheckError, ProjectError, check_migrations
from tests.conftest import EXAMPLES

PROJECT = EXAMPLES / "source-create-user-table"
AS_PUBLISHED = PROJECT / "as-published" / "create_user_table.py"
EXPLICIT_TIMESTAMPS = {"created_at": dt.datetime(2023, 1, 1), "updated_at": dt.datetime(2023, 1, 1)}


def upgraded(engine: Engine) -> sa.Table:
    command.upgrade(AlembicProject.load(PROJECT).config(engine), "head")
    return sa.Table("users", sa.MetaData(), autoload_with=engine)


def insert_relying_on_defaults(engine: Engine, users: sa.Table, **values: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(users.insert().values(email="ada@example.com", hashed_password="x", **values))


@pytest.mark.backends("sqlite")
def test_sqlite_upgrades_but_first_insert_fails(engine: Engine) -> None:
    users = upgraded(engine)  # alembic upgrade head: no error
    with engine.connect() as conn:
        ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'users'").scalar()
    assert "DEFAULT (now())" in ddl  # stored, not evaluated
    with pytest.raises(
        sa.exc.OperationalError, match=r"\(sqlite3\.OperationalError\) unknown function: now\(\)"
    ):
        insert_relying_on_defaults(engine, users)


@pytest.mark.backends("sqlite")
def test_sqlite_harness_reports_the_broken_default(database_url: str) -> None:
    with pytest.raises(
        MigrationCheckError,
        match=r"^inserting a row that relies on server defaults into table 'users' on sqlite "
        r"[\d.]+ failed: unknown function: now\(\)",
    ):
        check_migrations(AlembicProject.load(PROJECT), database_url)


@pytest.mark.backends("sqlite")
def test_sqlite_stores_the_text_true_that_no_query_for_active_users_finds(engine: Engine) -> None:
    users = upgraded(engine)
    insert_relying_on_defaults(engine, users, **EXPLICIT_TIMESTAMPS)
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT is_active, typeof(is_active) FROM users").one()
        active = conn.execute(
            sa.select(sa.func.count()).select_from(users).where(users.c.is_active.is_(True))
        ).scalar_one()
    assert tuple(stored) == ("true", "text")
    assert active == 0
    is_active = users.c.is_active.is_(True).compile(dialect=engine.dialect)
    assert str(is_active) == "users.is_active IS 1"


@pytest.mark.backends("postgresql")
def test_postgresql_runs_it_cleanly(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == ["1234abc56789"]


@pytest.mark.backends("postgresql")
def test_postgresql_timestamps_follow_the_session_time_zone(engine: Engine) -> None:
    users = upgraded(engine)
    for zone, email in (("UTC", "utc@example.com"), ("Asia/Tokyo", "tokyo@example.com")):
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET TIME ZONE '{zone}'")
            conn.execute(users.insert().values(email=email, hashed_password="x"))
    with engine.connect() as conn:
        hours = conn.exec_driver_sql(
            "SELECT extract(epoch FROM max(created_at) - min(created_at)) / 3600 FROM users"
        ).scalar_one()
    # Inserted a moment apart, stored nine hours apart: `timestamp without time zone`.
    assert round(hours) == 9


def test_second_index_on_the_primary_key(engine: Engine) -> None:
    upgraded(engine)
    inspector = sa.inspect(engine)
    assert inspector.get_pk_constraint("users")["constrained_columns"] == ["id"]
    id_indexes = [
        ix["name"] for ix in inspector.get_indexes("users") if ix["column_names"] == ["id"]
    ]
    assert id_indexes == ["ix_users_id"]


@pytest.mark.backends("sqlite")
def test_sqlite_never_uses_the_id_index(engine: Engine) -> None:
    upgraded(engine)
    with engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT * FROM users WHERE id = 1")
        )
    assert "INTEGER PRIMARY KEY" in plan
    assert "ix_users_id" not in plan


@pytest.mark.backends("postgresql")
def test_postgresql_keeps_two_equal_btrees_on_id(engine: Engine) -> None:
    users = upgraded(engine)
    with engine.begin() as conn:
        conn.execute(
            users.insert(),
            [{"email": f"u{i}@example.com", "hashed_password": "x"} for i in range(5000)],
        )
        sizes = dict(
            conn.exec_driver_sql(
                "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
                "WHERE indrelid = 'users'::regclass"
            ).all()
        )
    assert sizes["ix_users_id"] == sizes["users_pkey"] > 0


def test_email_uniqueness_is_case_sensitive(engine: Engine) -> None:
    users = upgraded(engine)
    with engine.begin() as conn:
        for email in ("Ada@example.com", "ada@example.com"):
            conn.execute(
                users.insert().values(email=email, hashed_password="x", **EXPLICIT_TIMESTAMPS)
            )
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() == 2


@pytest.mark.parametrize("url", ["mysql://root@localhost/app", "mariadb://root@localhost/app"])
def test_varchar_without_length_does_not_compile_for_mysql(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Offline mode (`alembic upgrade head --sql`) needs no server: the dialect alone refuses.
    monkeypatch.setenv("DATABASE_URL", url)
    config = AlembicProject.load(PROJECT).config()
    dialect = url.split(":")[0]
    with pytest.raises(
        sa.exc.CompileError, match=f"VARCHAR requires a length on dialect {dialect}"
    ):
        command.upgrade(config, "head", sql=True)


def test_as_published_it_is_not_a_revision_file(copy_example: Callable[[str], Path]) -> None:
    project = copy_example(PROJECT.name)
    versions = project / "migrations" / "versions"
    for old in versions.glob("*.py"):
        old.unlink()
    shutil.copy(AS_PUBLISHED, versions / "create_user_table.py")
    with pytest.raises(ProjectError, match="sets no `revision` variable"):
        AlembicProject.load(project)
    config = AlembicProject(root=project, config_file=project / "alembic.ini").config()
    with pytest.raises(
        CommandError, match="Could not determine revision id from filename create_user_table.py"
    ):
        command.history(config)


def test_the_project_adds_the_four_variables_and_nothing_else() -> None:
    [revision] = (PROJECT / "migrations" / "versions").glob("*.py")
    published = AS_PUBLISHED.read_text().splitlines()
    adapted = revision.read_text().splitlines()
    diff = [line for line in difflib.ndiff(published, adapted) if line[:1] in "+-"]
    assert not [line for line in diff if line.startswith("-")]  # nothing published is changed
    code = [line[2:] for line in diff if line[2:].strip() and not line[2:].startswith("#")]
    assert code == [
        "revision = '1234abc56789'",
        "down_revision = None",
        "branch_labels = None",
        "depends_on = None",
    ]
