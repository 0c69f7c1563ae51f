"""Backends that cannot start fail with a message that says what to do, never silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from migration_handbook.databases import (
    POSTGRES_URL_VARIABLE,
    embedded_postgres,
    fresh_postgres_database,
    postgres_server,
    url_text,
    with_psycopg,
)
from migration_handbook.errors import DatabaseUnavailableError
from tests.conftest import REPO_ROOT


def test_unreachable_postgres_url_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(POSTGRES_URL_VARIABLE, "postgresql://nobody@127.0.0.1:9/postgres")
    with pytest.raises(
        DatabaseUnavailableError,
        match=rf"cannot connect to {POSTGRES_URL_VARIABLE}=.*unset {POSTGRES_URL_VARIABLE}",
    ):
        with postgres_server():
            pass


def test_embedded_server_that_cannot_start_says_what_to_do(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with pytest.raises(
        DatabaseUnavailableError,
        match=rf"did not start in {not_a_folder}.*Set {POSTGRES_URL_VARIABLE}=",
    ):
        with embedded_postgres(not_a_folder):
            pass


def test_url_text_keeps_the_password() -> None:
    url = URL.create(
        "postgresql+psycopg", username="app", password="s3cret", host="db", database="x"
    )
    assert "***" in str(url)
    assert url_text(url) == "postgresql+psycopg://app:s3cret@db/x"
    assert with_psycopg("postgresql://app@db/x").drivername == "postgresql+psycopg"


def test_fresh_database_is_empty_and_dropped_afterwards(postgres_server_url: URL) -> None:
    admin = sa.create_engine(postgres_server_url, poolclass=NullPool)
    with fresh_postgres_database(postgres_server_url, prefix="probe") as url:
        name = url.database
        engine = sa.create_engine(url, poolclass=NullPool)
        assert sa.inspect(engine).get_table_names() == []
        engine.dispose()
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar_one()
    admin.dispose()
    assert exists == 0


def test_opting_out_of_a_backend_is_reported_in_the_summary() -> None:
    env = {**os.environ, "HANDBOOK_BACKENDS": "sqlite"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-p",
            "no:warnings",
            "tests/examples/test_create_user_table.py::test_only_the_primary_key_indexes_id",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 passed" in result.stdout
    assert "backends NOT run (HANDBOOK_BACKENDS=sqlite): postgresql" in result.stdout
