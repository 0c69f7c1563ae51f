"""examples/backup-before-migrating: back up, run a destructive migration, restore, compare.

Each test states one fact of docs/best-practices/backups.md, on both backends.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, check_migrations
from migration_handbook.backup import (
    BackupError,
    backup_database,
    restore_database,
    table_checksums,
)
from tests.conftest import EXAMPLES

PROJECT = EXAMPLES / "backup-before-migrating"
CREATE, DROP_NOTES = "a458e0d185d0", "bb466659a330"


def load_script(project: Path = PROJECT) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "backup_example_upgrade_with_backup", project / "upgrade_with_backup.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def at_first_revision_with_data(engine: Engine) -> AlembicProject:
    project = AlembicProject.load(PROJECT)
    command.upgrade(project.config(engine), CREATE)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO customers (id, email, name, legacy_notes) VALUES (:i, :e, :n, :l)"
            ),
            [
                {
                    "i": i,
                    "e": f"c{i}@example.com",
                    "n": f"Customer {i}",
                    "l": f"note {i}" if i % 3 else None,
                }
                for i in range(1, 51)
            ],
        )
        conn.execute(
            sa.text("INSERT INTO orders (customer_id, total_cents) VALUES (:c, :t)"),
            [{"c": 1 + i % 50, "t": 100 * i} for i in range(120)],
        )
    return project


def notes(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT count(*) FROM customers WHERE legacy_notes IS NOT NULL"
        ).scalar_one()


def checksums(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        return dict(table_checksums(conn))


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == [CREATE, DROP_NOTES]


def test_downgrade_brings_the_column_back_but_not_its_data(engine: Engine) -> None:
    project = at_first_revision_with_data(engine)
    assert notes(engine) == 34
    command.upgrade(project.config(engine), "head")
    command.downgrade(project.config(engine), CREATE)
    assert "legacy_notes" in {c["name"] for c in sa.inspect(engine).get_columns("customers")}
    assert notes(engine) == 0


def test_restore_brings_back_every_row_and_value(
    engine: Engine, database_url: str, tmp_path: Path, backend: str
) -> None:
    project = at_first_revision_with_data(engine)
    before = checksums(engine)
    assert before["customers"].rows == 50 and before["orders"].rows == 120  # type: ignore[attr-defined]
    assert "alembic_version" in before
    backup = backup_database(database_url, tmp_path / "before-drop")
    # pg_dump --format=custom writes its own archive format; SQLite's backup is a database file.
    magic = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}[backend]
    assert backup.read_bytes().startswith(magic)

    command.upgrade(project.config(engine), "head")
    after_migration = checksums(engine)
    assert after_migration["customers"] != before["customers"]
    assert after_migration["orders"] == before["orders"]

    restore_database(backup, database_url)
    assert checksums(engine) == before  # every table, alembic_version included
    assert notes(engine) == 34


def test_upgrade_with_backup_backs_up_first(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    at_first_revision_with_data(engine)
    before = checksums(engine)
    backup = load_script().upgrade_with_backup(database_url, tmp_path / "backups")
    assert backup.is_file() and f"-before-{DROP_NOTES}-" in backup.name
    recorded = json.loads(backup.with_suffix(".checksums.json").read_text())
    assert {t: (c["rows"], c["sha256"]) for t, c in recorded.items()} == {
        t: (c.rows, c.sha256)  # type: ignore[attr-defined]
        for t, c in before.items()
    }
    assert "legacy_notes" not in {c["name"] for c in sa.inspect(engine).get_columns("customers")}
    restore_database(backup, database_url)
    assert checksums(engine) == before


def test_failed_upgrade_prints_the_backup_and_how_to_restore(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    copy_example: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = copy_example("backup-before-migrating")
    (broken,) = (project / "anti-patterns").glob("*-acb9a0c9c5a5_*.py")
    shutil.copy(broken, project / "migrations" / "versions" / broken.name)
    at_first_revision_with_data(engine)
    before = checksums(engine)
    with pytest.raises(sa.exc.SQLAlchemyError):
        load_script(project).upgrade_with_backup(database_url, tmp_path / "backups")
    (backup,) = (p for p in (tmp_path / "backups").iterdir() if p.suffix != ".json")
    err = capsys.readouterr().err
    assert f"upgrade to head failed. Backup: {backup}" in err
    assert (
        "Restore it with: python -c 'from migration_handbook.backup import restore_database; "
        f'restore_database("{backup}", "<DATABASE_URL>")\'' in err
    )
    restore_database(backup, database_url)
    assert checksums(engine) == before


def test_a_table_created_after_the_backup_survives_a_postgresql_restore_only(
    engine: Engine, database_url: str, tmp_path: Path, backend: str
) -> None:
    at_first_revision_with_data(engine)
    before = checksums(engine)
    backup = backup_database(database_url, tmp_path / "before-extra")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE created_after_backup (id INTEGER PRIMARY KEY)")
    restore_database(backup, database_url)
    after = checksums(engine)
    # pg_restore --clean --if-exists drops only the objects the backup holds; SQLite's restore
    # replaces the whole file.
    assert ("created_after_backup" in after) is (backend == "postgresql")
    after.pop("created_after_backup", None)
    assert after == before


@pytest.mark.backends("sqlite")  # the online backup API is SQLite's; pg_dump has its own snapshot
def test_sqlite_backup_copies_a_consistent_snapshot_while_a_writer_is_busy(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    at_first_revision_with_data(engine)
    with engine.connect() as writer:
        writer.exec_driver_sql(
            "INSERT INTO customers (id, email, name) VALUES (51, 'late@example.com', 'Late')"
        )  # the driver sends BEGIN: an open write transaction, not committed yet
        backup = backup_database(database_url, tmp_path / "during-write.db")
        writer.commit()  # the writer carries on undisturbed
    copy = sa.create_engine(f"sqlite:///{backup}")
    try:
        with copy.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM customers").scalar_one() == 50
    finally:
        copy.dispose()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM customers").scalar_one() == 51


@pytest.mark.backends("postgresql")  # --single-transaction is pg_restore's; SQLite copies pages
def test_a_failing_postgresql_restore_changes_nothing(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    project = at_first_revision_with_data(engine)
    backup = backup_database(database_url, tmp_path / "before-drop")
    command.upgrade(project.config(engine), "head")
    with engine.begin() as conn:
        # A view the backup does not know about: --clean cannot drop customers under it.
        conn.exec_driver_sql("CREATE VIEW customer_emails AS SELECT email FROM customers")
        conn.exec_driver_sql("DELETE FROM orders WHERE id > 60")
    before_restore = checksums(engine)
    with pytest.raises(BackupError, match="pg_restore failed"):
        restore_database(backup, database_url)
    # --single-transaction: what pg_restore had done before the error is rolled back with it
    # (without the flag it carries on, and orders gets its 120 rows back): all or nothing.
    assert checksums(engine) == before_restore
