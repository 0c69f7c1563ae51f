"""examples/document-data-migrations: a data migration that does what its docstring says."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, check_migrations
from tests.conftest import EXAMPLES

PROJECT = EXAMPLES / "document-data-migrations"
BEFORE, DATA = "08de45803657", "37fc0f34c64c"
accounts = sa.table("accounts", sa.column("id"), sa.column("email"))
EMAILS = ["Ada@Example.com", "grace@example.com", "ALAN@example.com"]


def at_before(engine: Engine, emails: list[str]) -> AlembicProject:
    project = AlembicProject.load(PROJECT)
    command.upgrade(project.config(engine), BEFORE)
    with engine.begin() as conn:
        conn.execute(accounts.insert(), [{"email": e} for e in emails])
    return project


def emails(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(accounts.c.email).order_by(accounts.c.id)).scalars())


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == [BEFORE, DATA]


def test_rows_touched_as_the_docstring_counts_them(engine: Engine) -> None:
    project = at_before(engine, EMAILS)
    count = "SELECT count(*) FROM accounts WHERE email <> lower(email)"  # "Rows touched:"
    with engine.connect() as conn:
        assert conn.exec_driver_sql(count).scalar_one() == 2
    command.upgrade(project.config(engine), DATA)
    assert emails(engine) == ["ada@example.com", "grace@example.com", "alan@example.com"]
    with engine.connect() as conn:
        assert conn.exec_driver_sql(count).scalar_one() == 0


def test_rollback_keeps_the_lower_case(engine: Engine) -> None:
    project = at_before(engine, EMAILS)
    command.upgrade(project.config(engine), DATA)
    command.downgrade(project.config(engine), BEFORE)
    assert emails(engine) == ["ada@example.com", "grace@example.com", "alan@example.com"]


def test_manual_step_query_finds_emails_that_differ_only_in_case(engine: Engine) -> None:
    at_before(engine, [*EMAILS, "ada@example.com"])
    query = "SELECT lower(email) FROM accounts GROUP BY lower(email) HAVING count(*) > 1"
    with engine.connect() as conn:
        assert conn.exec_driver_sql(query).scalars().all() == ["ada@example.com"]


def test_expected_run_time_for_20000_rows(engine: Engine) -> None:
    project = at_before(engine, [f"User{i}@Example.com" for i in range(20_000)])
    started = time.perf_counter()
    command.upgrade(project.config(engine), DATA)
    assert time.perf_counter() - started < 5
    with engine.connect() as conn:
        changed = conn.execute(
            sa.select(sa.func.count()).where(accounts.c.email == sa.func.lower(accounts.c.email))
        ).scalar_one()
    assert changed == 20_000


def test_the_undocumented_copy_passes_the_harness_all_the_same(
    database_url: str, copy_example: Callable[[str], Path]
) -> None:
    project = copy_example("document-data-migrations")
    name = "2024_04_15_0000-37fc0f34c64c_lowercase_account_emails.py"
    shutil.copy(project / "anti-patterns" / name, project / "migrations" / "versions" / name)
    report = check_migrations(AlembicProject.load(project), database_url)
    assert report.revisions == [BEFORE, DATA]
