"""examples/transactional-migrations: a failed migration rolls back, on every backend.

Each test states one fact of docs/best-practices/transactions.md.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, check_migrations, diff_schemas, snapshot_schema
from tests.conftest import EXAMPLES

NAME = "transactional-migrations"
ANTI_PATTERNS = EXAMPLES / NAME / "anti-patterns"
INDEX_REVISION = "2024_03_08_0900-bdbc76f4e431_index_orders_customer_email_concurrently.py"
REFERENCE_ENV = EXAMPLES / "create-user-table" / "migrations" / "env.py"

NOTE, REFUNDS = "7127cac97fa6", "905b6040636e"
IN_TRANSACTION, THEN_FAIL = "a49d2084eada", "75a0298540ff"


def project_with(
    copy: Callable[[str], Path],
    *revisions: str,
    without_index_revision: bool = False,
    env: str | None = None,
) -> AlembicProject:
    """A copy of the example with anti-pattern revisions (by id) added to versions/."""
    root = copy(NAME)
    versions = root / "migrations" / "versions"
    if without_index_revision:
        (versions / INDEX_REVISION).unlink()
    for revision in revisions:
        (source,) = ANTI_PATTERNS.glob(f"*-{revision}_*.py")
        shutil.copy(source, versions / source.name)
    if env is not None:
        (root / "migrations" / "env.py").write_text(env)
    return AlembicProject.load(root)


def reference_env(**changes: str) -> str:
    """The handbook's reference env.py (create-user-table's), pointed at this example's models."""
    text = REFERENCE_ENV.read_text().replace("user_accounts.models", "txn_shop.models")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def upgrade(project: AlembicProject, engine: Engine, revision: str = "head") -> None:
    command.upgrade(project.config(engine), revision)


def add_orders(engine: Engine) -> None:
    """Three orders; two share an email, so a unique index on customer_email cannot be built."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO orders (customer_email, total_cents, status) "
                "VALUES (:email, :total, :status)"
            ),
            [
                {"email": "ada@example.com", "total": 1200, "status": "new"},
                {"email": "ada@example.com", "total": 500, "status": "cancelled"},
                {"email": "bob@example.com", "total": 900, "status": "new"},
            ],
        )


def state(engine: Engine) -> tuple[dict[str, object], list[tuple[object, ...]], tuple[str, ...]]:
    """Schema, every order row, and alembic_version."""
    with engine.connect() as conn:
        schema = snapshot_schema(conn)
        rows = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM orders ORDER BY id")]
        heads = MigrationContext.configure(conn).get_current_heads()
    return schema, rows, heads


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(EXAMPLES / NAME), database_url)
    assert report.revisions == ["50c10155abd9", "bdbc76f4e431"]


@pytest.mark.parametrize(
    ("dialect", "transactional"), [("postgresql", True), ("sqlite", False), ("mysql", False)]
)
def test_alembic_assumes_transactional_ddl_per_dialect(dialect: str, transactional: bool) -> None:
    context = MigrationContext.configure(dialect_name=dialect, opts={"as_sql": True})
    assert context.impl.transactional_ddl is transactional


# --8<-- [start:fault]
def test_failed_revision_leaves_no_partial_schema_data_or_version(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, NOTE, REFUNDS)
    upgrade(project, engine, NOTE)
    add_orders(engine)
    before = state(engine)
    with pytest.raises(sa.exc.IntegrityError):
        upgrade(project, engine)
    after = state(engine)
    assert diff_schemas(before[0], after[0]) == []
    assert "refunds" not in after[0]["tables"]
    assert after[1] == before[1]
    assert after[2] == before[2] == (NOTE,)
    # Fix the data, run the same command again: it passes.
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM orders WHERE status = 'cancelled'")
    upgrade(project, engine)
    assert state(engine)[2] == (REFUNDS,)


# --8<-- [end:fault]


@pytest.mark.backends("sqlite")
def test_sqlite_with_reference_env_keeps_ddl_that_ran_before_the_first_dml(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, NOTE, REFUNDS, env=reference_env())
    upgrade(project, engine, NOTE)
    add_orders(engine)
    with pytest.raises(sa.exc.IntegrityError):
        upgrade(project, engine)
    schema, _, heads = state(engine)
    # CREATE TABLE committed on its own; the INSERT opened a transaction, so the ADD COLUMN
    # after it was rolled back with the INSERT.
    assert "refunds" in schema["tables"]
    assert "refunded_cents" not in schema["tables"]["orders"]["columns"]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM refunds").scalar_one() == 0
    assert heads == (NOTE,)
    # Fix the data and run again: the leftover table stops the revision.
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM orders WHERE status = 'cancelled'")
    with pytest.raises(sa.exc.OperationalError, match="table refunds already exists"):
        upgrade(project, engine)


@pytest.mark.backends("sqlite")
def test_sqlite_transactional_ddl_option_alone_does_not_help(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    env = reference_env(
        **{
            "transaction_per_migration=True,": "transaction_per_migration=True,\n        transactional_ddl=True,"
        }
    )
    project = project_with(copy_example, NOTE, REFUNDS, env=env)
    upgrade(project, engine, NOTE)
    add_orders(engine)
    with pytest.raises(sa.exc.IntegrityError):
        upgrade(project, engine)
    assert "refunds" in state(engine)[0]["tables"]


@pytest.mark.backends("sqlite")
def test_sqlite_reference_env_commits_per_revision_even_when_told_not_to(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    env = reference_env(**{"transaction_per_migration=True,": "transaction_per_migration=False,"})
    project = project_with(copy_example, NOTE, REFUNDS, env=env)
    upgrade(project, engine, "bdbc76f4e431")
    add_orders(engine)
    with pytest.raises(sa.exc.IntegrityError):
        upgrade(project, engine)
    # transactional_ddl=False (Alembic's SQLite default): one transaction per revision anyway.
    assert state(engine)[2] == (NOTE,)


@pytest.mark.parametrize("per_migration", [True, False], ids=["per-migration", "whole-upgrade"])
def test_which_revisions_stay_applied_when_the_second_fails(
    engine: Engine, copy_example: Callable[[str], Path], per_migration: bool
) -> None:
    env = (EXAMPLES / NAME / "migrations" / "env.py").read_text()
    assert "transaction_per_migration=True," in env
    env = env.replace(
        "transaction_per_migration=True,", f"transaction_per_migration={per_migration},"
    )
    project = project_with(copy_example, NOTE, REFUNDS, env=env)
    upgrade(project, engine, "bdbc76f4e431")
    add_orders(engine)
    with pytest.raises(sa.exc.IntegrityError):
        upgrade(project, engine)
    schema, _, heads = state(engine)
    if per_migration:
        assert heads == (NOTE,)
        assert "note" in schema["tables"]["orders"]["columns"]
    else:
        assert heads == ("bdbc76f4e431",)
        assert "note" not in schema["tables"]["orders"]["columns"]
    assert "refunds" not in schema["tables"]


@pytest.mark.backends("postgresql")
def test_postgresql_refuses_concurrent_index_inside_the_revisions_transaction(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, IN_TRANSACTION, without_index_revision=True)
    with pytest.raises(
        sa.exc.InternalError,
        match="CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
    ):
        upgrade(project, engine)
    assert state(engine)[2] == ("50c10155abd9",)


@pytest.mark.backends("sqlite")
def test_sqlite_ignores_postgresql_concurrently(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, IN_TRANSACTION, without_index_revision=True)
    upgrade(project, engine)
    assert state(engine)[2] == (IN_TRANSACTION,)
    assert [ix["name"] for ix in sa.inspect(engine).get_indexes("orders")] == [
        "ix_orders_customer_email"
    ]


@pytest.mark.parametrize("if_not_exists", [True, False], ids=["if-not-exists", "no-guard"])
def test_autocommit_block_survives_a_later_failure_and_reruns_only_with_if_not_exists(
    engine: Engine, copy_example: Callable[[str], Path], if_not_exists: bool
) -> None:
    project = project_with(copy_example, THEN_FAIL, without_index_revision=True)
    if not if_not_exists:
        (path,) = Path(project.root, "migrations", "versions").glob(f"*{THEN_FAIL}*.py")
        text = path.read_text()
        assert text.count("if_not_exists=True,") == 1
        path.write_text(text.replace("if_not_exists=True,", "if_not_exists=False,"))
    upgrade(project, engine, "50c10155abd9")
    add_orders(engine)
    with pytest.raises(sa.exc.IntegrityError):
        upgrade(project, engine)
    indexes = [ix["name"] for ix in sa.inspect(engine).get_indexes("orders")]
    assert indexes == ["ix_orders_customer_email"]  # committed by the autocommit block
    assert state(engine)[2] == ("50c10155abd9",)
    with engine.begin() as conn:  # fix the data, then run the same revision again
        conn.exec_driver_sql("DELETE FROM orders WHERE status = 'cancelled'")
    if if_not_exists:
        upgrade(project, engine)
        assert state(engine)[2] == (THEN_FAIL,)
    else:
        with pytest.raises(sa.exc.DatabaseError, match="already exists"):
            upgrade(project, engine)


@pytest.mark.backends("postgresql")
def test_postgresql_new_enum_value_is_unusable_until_commit(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TYPE order_status AS ENUM ('new', 'paid')")
    with engine.connect() as conn:
        conn.exec_driver_sql("ALTER TYPE order_status ADD VALUE 'refunded'")  # allowed (PG >= 12)
        with pytest.raises(sa.exc.DBAPIError, match='unsafe use of new value "refunded"'):
            conn.exec_driver_sql("SELECT 'refunded'::order_status")
        conn.rollback()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ALTER TYPE order_status ADD VALUE 'refunded'")
        assert conn.exec_driver_sql("SELECT 'refunded'::order_status").scalar_one() == "refunded"


@pytest.mark.backends("sqlite")  # the BEGIN fix exists for SQLite's driver only
def test_sqlite_fix_leaves_a_handed_in_connection_as_it_was(engine: Engine) -> None:
    project = AlembicProject.load(EXAMPLES / NAME)
    with engine.connect() as conn:
        command.upgrade(project.config(conn), "head")
        conn.commit()
        # After the upgrade the listener is gone: the driver sends no BEGIN before DDL again,
        # so this CREATE TABLE commits by itself and the rollback cannot undo it.
        conn.exec_driver_sql("CREATE TABLE scratch (id INTEGER)")
        conn.rollback()
    assert "scratch" in sa.inspect(engine).get_table_names()
