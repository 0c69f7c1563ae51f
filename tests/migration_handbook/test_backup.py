"""migration_handbook.backup: errors that say what to do, checksums that notice changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from migration_handbook.backup import (
    BackupError,
    backup_database,
    find_pg_tool,
    restore_database,
    table_checksums,
)


def test_missing_backup_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nightly.dump"
    with pytest.raises(BackupError, match=f"{missing}: no such backup file"):
        restore_database(missing, f"sqlite:///{tmp_path / 'app.db'}")


def test_missing_sqlite_database_is_named(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no such SQLite database file"):
        backup_database(f"sqlite:///{tmp_path / 'nope.db'}", tmp_path / "b.db")


def test_in_memory_sqlite_cannot_be_backed_up(tmp_path: Path) -> None:
    with pytest.raises(
        BackupError, match="only a SQLite database file can be backed up or restored this way"
    ):
        backup_database("sqlite://", tmp_path / "b.db")


def test_other_backends_are_refused_with_a_pointer(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="not mysql. Use that database's own dump tool"):
        backup_database("mysql://root@localhost/app", tmp_path / "b.sql")


def test_pg_dump_too_old_for_the_server_is_refused() -> None:
    with pytest.raises(
        BackupError,
        match=r"no pg_dump 99 or newer found in \$HANDBOOK_PG_BIN, the pgserver package or PATH\. ",
    ):
        find_pg_tool("pg_dump", server_major=99)


def test_found_pg_tools_are_new_enough() -> None:
    for name in ("pg_dump", "pg_restore"):
        tool = find_pg_tool(name, server_major=16)
        out = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout
        assert int(out.split("(PostgreSQL)")[1].split(".")[0]) >= 16


def test_checksums_count_rows_and_notice_a_changed_value(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10))")
        conn.exec_driver_sql("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b')")
    with engine.connect() as conn:
        first = table_checksums(conn)
        again = table_checksums(conn)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE t SET v = 'c' WHERE id = 2")
    with engine.connect() as conn:
        changed = table_checksums(conn)
    assert first == again
    assert first["t"].rows == changed["t"].rows == 2
    assert first["t"].sha256 != changed["t"].sha256
