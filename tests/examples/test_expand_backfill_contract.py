"""examples/expand-backfill-contract: a NOT NULL column on a populated table, in three revisions.

What docs/best-practices/small-focused-migrations.md and docs/best-practices/comments.md promise.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, check_migrations
from tests.conftest import EXAMPLES

NAME = "expand-backfill-contract"
PROJECT = EXAMPLES / NAME
CREATE, EXPAND, BACKFILL, CONTRACT = "3e4ba898393b", "d14fe927eec7", "af8ebb6ed4e3", "84d2fac6c801"
ONE_STEP = (
    PROJECT / "anti-patterns" / "2024_03_04_0900-79308a1e95f5_add_normalized_email_to_accounts.py"
)
# --8<-- [start:rows]
ROWS = [(1, "Ada@Example.com"), (2, "grace@example.com"), (3, "LINUS@EXAMPLE.COM")]
NORMALIZED = [
    (1, "Ada@Example.com", "ada@example.com"),
    (2, "grace@example.com", "grace@example.com"),
    (3, "LINUS@EXAMPLE.COM", "linus@example.com"),
]
# --8<-- [end:rows]

# The error each backend raises when the one-step revision meets a populated table.
ONE_STEP_ERROR = {  # as docs/best-practices/small-focused-migrations.md shows them
    "sqlite": "(sqlite3.OperationalError) Cannot add a NOT NULL column with default value NULL",
    "postgresql": '(psycopg.errors.NotNullViolation) column "normalized_email" of relation '
    '"accounts" contains null values',
}


def upgrade(project: AlembicProject, engine: Engine, revision: str) -> None:
    command.upgrade(project.config(engine), revision)


def downgrade(project: AlembicProject, engine: Engine, revision: str) -> None:
    command.downgrade(project.config(engine), revision)


def insert_accounts(engine: Engine, rows: list[tuple[int, str]] = ROWS) -> None:
    with engine.begin() as conn:
        for id_, email in rows:
            conn.execute(
                sa.text("INSERT INTO accounts (id, email) VALUES (:id, :email)"),
                {"id": id_, "email": email},
            )


def accounts(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT * FROM accounts ORDER BY id"))]


def normalized_email_nullable(engine: Engine) -> bool:
    columns = {c["name"]: c for c in sa.inspect(engine).get_columns("accounts")}
    return bool(columns["normalized_email"]["nullable"])


@pytest.fixture
def one_step_project(copy_example: Callable[[str], Path]) -> AlembicProject:
    """A copy of the example whose history is the create revision plus the one-step anti-pattern."""
    folder = copy_example(NAME)
    versions = folder / "migrations" / "versions"
    for path in versions.glob("*.py"):
        if CREATE not in path.name:
            path.unlink()
    shutil.copy(ONE_STEP, versions)
    return AlembicProject.load(folder)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL the engine sends while the block runs."""
    seen: list[str] = []

    def collect(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", collect)


# --- small-focused-migrations.md -------------------------------------------------------------


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == [CREATE, EXPAND, BACKFILL, CONTRACT]
    assert len(report.checks) == 5


def test_one_step_revision_passes_on_an_empty_table(
    one_step_project: AlembicProject, engine: Engine
) -> None:
    upgrade(one_step_project, engine, "head")
    assert not normalized_email_nullable(engine)


def test_the_harness_alone_passes_the_one_step_revision(
    one_step_project: AlembicProject, database_url: str
) -> None:
    report = check_migrations(one_step_project, database_url)  # an empty database
    assert report.revisions == [CREATE, "79308a1e95f5"]
    assert len(report.checks) == 5


def test_one_step_revision_fails_on_a_populated_table(
    one_step_project: AlembicProject, engine: Engine, backend: str
) -> None:
    upgrade(one_step_project, engine, CREATE)
    insert_accounts(engine)
    with pytest.raises(sa.exc.DBAPIError, match=re.escape(ONE_STEP_ERROR[backend])) as error:
        upgrade(one_step_project, engine, "head")
    assert "[SQL: ALTER TABLE accounts ADD COLUMN normalized_email VARCHAR(320) NOT NULL]" in str(
        error.value
    )
    assert accounts(engine) == ROWS  # the rows are untouched,
    assert [c["name"] for c in sa.inspect(engine).get_columns("accounts")] == ["id", "email"]
    with engine.connect() as conn:  # and the revision is not applied
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == CREATE


# --8<-- [start:steps]
def test_each_step_keeps_the_data_up_and_down(engine: Engine) -> None:
    project = AlembicProject.load(PROJECT)
    upgrade(project, engine, CREATE)
    insert_accounts(engine)

    upgrade(project, engine, EXPAND)  # expand: the column exists, NULL everywhere
    assert accounts(engine) == [(i, e, None) for i, e in ROWS]
    upgrade(project, engine, BACKFILL)  # backfill: every row has its value
    assert accounts(engine) == NORMALIZED
    upgrade(project, engine, CONTRACT)  # contract: NOT NULL is enforced
    assert not normalized_email_nullable(engine)
    with pytest.raises(sa.exc.IntegrityError):
        insert_accounts(engine, [(4, "new@example.com")])
    assert accounts(engine) == NORMALIZED

    downgrade(project, engine, BACKFILL)  # NOT NULL relaxed, values kept
    assert normalized_email_nullable(engine)
    assert accounts(engine) == NORMALIZED
    downgrade(project, engine, EXPAND)  # the backfill's downgrade leaves the values
    assert accounts(engine) == NORMALIZED
    downgrade(project, engine, CREATE)  # the column goes; the accounts stay
    assert accounts(engine) == ROWS


# --8<-- [end:steps]


# --- comments.md: what the comments in the backfill and contract revisions say -------------


def test_backfill_predicate_skips_rows_already_written_and_reruns_safely(engine: Engine) -> None:
    project = AlembicProject.load(PROJECT)
    upgrade(project, engine, EXPAND)
    insert_accounts(engine)
    with engine.begin() as conn:  # the new application version wrote this row's value
        conn.execute(
            sa.text("UPDATE accounts SET normalized_email = 'written-by-app' WHERE id = 2")
        )
    upgrade(project, engine, BACKFILL)
    expected = [NORMALIZED[0], (2, "grace@example.com", "written-by-app"), NORMALIZED[2]]
    assert accounts(engine) == expected
    downgrade(project, engine, EXPAND)  # run it again: same result
    upgrade(project, engine, BACKFILL)
    assert accounts(engine) == expected


# A trigger that makes every UPDATE of accounts fail, so the backfill fails.
FAILING_UPDATE = {
    "sqlite": [
        "CREATE TRIGGER fail_updates BEFORE UPDATE ON accounts BEGIN SELECT RAISE(ABORT, 'fail'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION fail_updates() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'fail'; END $$",
        "CREATE TRIGGER fail_updates BEFORE UPDATE ON accounts"
        " FOR EACH ROW EXECUTE FUNCTION fail_updates()",
    ],
}


def test_a_failing_backfill_rolls_back_alone(engine: Engine, backend: str) -> None:
    project = AlembicProject.load(PROJECT)
    upgrade(project, engine, CREATE)
    insert_accounts(engine)
    with engine.begin() as conn:
        for statement in FAILING_UPDATE[backend]:
            conn.exec_driver_sql(statement)
    with pytest.raises(sa.exc.DBAPIError, match="fail"):
        upgrade(project, engine, "head")  # expand, then backfill: fails
    with engine.connect() as conn:  # the expand revision stayed applied and committed
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == EXPAND
    assert accounts(engine) == [(i, e, None) for i, e in ROWS]
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "DROP TRIGGER fail_updates" + (" ON accounts" if backend == "postgresql" else "")
        )
    upgrade(project, engine, "head")  # fixed: carries on from the backfill
    assert accounts(engine) == NORMALIZED


def test_contract_is_a_plain_alter_on_postgresql_and_a_table_copy_on_sqlite(
    engine: Engine, backend: str
) -> None:
    project = AlembicProject.load(PROJECT)
    upgrade(project, engine, BACKFILL)
    with statements(engine) as seen:
        upgrade(project, engine, CONTRACT)
    if backend == "postgresql":
        assert "ALTER TABLE accounts ALTER COLUMN normalized_email SET NOT NULL" in seen
        assert not any("_alembic_tmp_accounts" in s for s in seen)
    else:
        expected = [
            "CREATE TABLE _alembic_tmp_accounts",
            "INSERT INTO _alembic_tmp_accounts",
            "DROP TABLE accounts",
            "ALTER TABLE _alembic_tmp_accounts RENAME TO accounts",
        ]
        found = [next(i for i, s in enumerate(seen) if s.startswith(e)) for e in expected]
        assert found == sorted(found)


@pytest.mark.backends("postgresql")  # SQLite has no table rewrite to avoid: see the table copy
def test_expand_and_contract_do_not_rewrite_the_table_on_postgresql(engine: Engine) -> None:
    project = AlembicProject.load(PROJECT)
    upgrade(project, engine, CREATE)
    insert_accounts(engine)

    def filenode() -> int:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT pg_relation_filenode('accounts')")).scalar_one()

    before = filenode()
    upgrade(project, engine, EXPAND)
    assert filenode() == before  # ADD COLUMN without a default: catalog only
    upgrade(project, engine, CONTRACT)
    assert filenode() == before  # SET NOT NULL checks the rows but does not rewrite them


@pytest.mark.backends("postgresql")  # SQLite has no lock levels: the page shows its table copy
def test_contract_holds_an_access_exclusive_lock_on_postgresql(engine: Engine) -> None:
    project = AlembicProject.load(PROJECT)
    upgrade(project, engine, BACKFILL)
    with engine.connect() as conn:
        conn.begin()  # Alembic runs inside this open transaction; look before it ends
        command.upgrade(project.config(conn), CONTRACT)
        modes = conn.execute(
            sa.text(
                "SELECT mode FROM pg_locks WHERE relation = 'accounts'::regclass"
                " AND pid = pg_backend_pid() AND granted"
            )
        ).scalars()
        assert "AccessExclusiveLock" in set(modes)
        conn.rollback()


def test_contract_fails_while_a_null_remains_and_the_comment_says_how_to_recover(
    engine: Engine, backend: str
) -> None:
    project = AlembicProject.load(PROJECT)
    upgrade(project, engine, BACKFILL)
    insert_accounts(engine)  # a writer that skips normalized_email, after the backfill ran
    with pytest.raises(sa.exc.IntegrityError):
        upgrade(project, engine, CONTRACT)
    tables = set(sa.inspect(engine).get_table_names())
    if backend == "postgresql":  # rolled back completely
        assert tables == {"accounts", "alembic_version"}
    else:  # the half-built copy stays behind, and blocks the next attempt until dropped
        assert tables == {"_alembic_tmp_accounts", "accounts", "alembic_version"}
        downgrade(project, engine, "-1")
        with pytest.raises(sa.exc.OperationalError, match="_alembic_tmp_accounts already exists"):
            upgrade(project, engine, "head")
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE _alembic_tmp_accounts"))
    assert normalized_email_nullable(engine)

    downgrade(project, engine, "-1")  # the backfill's downgrade changes nothing
    upgrade(project, engine, "head")  # the backfill fills the rows it missed, then NOT NULL
    assert accounts(engine) == NORMALIZED
    assert not normalized_email_nullable(engine)
