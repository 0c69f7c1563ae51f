"""Backends for the whole suite: every test that asks for `backend` runs once per backend.

- sqlite: a file database in the test's temporary folder.
- postgresql: a fresh database, dropped afterwards, on the server in HANDBOOK_POSTGRES_URL or
  else on an embedded server (pgserver) that this session starts and stops.

HANDBOOK_BACKENDS=sqlite (comma-separated) opts out of a backend; the run's summary says so.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import NullPool

from migration_handbook.databases import (
    POSTGRES_URL_VARIABLE,
    fresh_postgres_database,
    postgres_server,
    sqlite_url,
    url_text,
)

ALL_BACKENDS = ("sqlite", "postgresql")
REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"


def selected_backends() -> tuple[str, ...]:
    chosen = os.environ.get("HANDBOOK_BACKENDS")
    if not chosen:
        return ALL_BACKENDS
    names = tuple(name.strip() for name in chosen.split(",") if name.strip())
    unknown = sorted(set(names) - set(ALL_BACKENDS))
    if unknown:
        raise pytest.UsageError(
            f"HANDBOOK_BACKENDS names unknown backends {unknown}; use {', '.join(ALL_BACKENDS)}."
        )
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    wanted = marker.args if marker else ALL_BACKENDS
    metafunc.parametrize("backend", [b for b in selected_backends() if b in wanted])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [b for b in ALL_BACKENDS if b not in selected_backends()]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"backends NOT run (HANDBOOK_BACKENDS={os.environ['HANDBOOK_BACKENDS']}): "
            + ", ".join(skipped),
            yellow=True,
        )
    server = getattr(terminalreporter.config, "_handbook_postgres", None)
    if server:
        terminalreporter.write_line(f"PostgreSQL leg ran on: {server}")


@pytest.fixture(scope="session")
def postgres_server_url(pytestconfig: pytest.Config) -> Iterator[URL]:
    """The PostgreSQL server for this session (fails, not skips, when it cannot start)."""
    with postgres_server() as url:
        engine = sa.create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
        engine.dispose()
        where = (
            os.environ.get(POSTGRES_URL_VARIABLE) and POSTGRES_URL_VARIABLE or "embedded pgserver"
        )
        pytestconfig._handbook_postgres = f"PostgreSQL {version} ({where})"  # type: ignore[attr-defined]
        yield url


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database of the test's backend, as a URL string with its password."""
    if backend == "sqlite":
        yield url_text(sqlite_url(tmp_path))
        return
    server = request.getfixturevalue("postgres_server_url")
    with fresh_postgres_database(server, prefix=request.node.name[:20]) as url:
        yield url_text(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's fresh database."""
    engine = sa.create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def copy_example(tmp_path: Path) -> Callable[[str], Path]:
    """Copy `examples/<name>` into the test's temporary folder and return the copy's path.

    Use it to add a broken revision, or change a model, without touching the real example.
    The copy's models package has the same name as the original's: a test that edits the
    models must call `forget_package(name)` so the edited version is imported.
    """

    def copy(name: str) -> Path:
        destination = tmp_path / name
        shutil.copytree(
            EXAMPLES / name, destination, ignore=shutil.ignore_patterns("__pycache__", "*.db")
        )
        return destination

    return copy


def forget_package(name: str) -> None:
    """Drop an already imported package and its modules, so the next import reads the files again."""
    for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[module]
