"""examples/reversible-drop-column: a downgrade restores the data, or refuses and says why.

Page: guidelines/upgrade-and-downgrade.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject, MigrationCheckError, check_migrations, run_stairway
from tests.conftest import EXAMPLES

NAME = "reversible-drop-column"
PROJECT = EXAMPLES / NAME
CREATE, DROP = "7799c36dc509", "82bcfa5367ea"
ARCHIVING = "2024_06_10_0800-82bcfa5367ea_archive_and_drop_customers_fax.py"
PLAIN = "2024_06_10_0800-82bcfa5367ea_drop_customers_fax.py"
CUSTOMERS = [(1, "Ada", "+44 20 7946 0000"), (2, "Grace", None), (3, "Linus", "+358 9 000")]


def project_with(copy_example: Callable[[str], Path], replacement: str) -> AlembicProject:
    """A copy of the example whose second revision is `replacement` (a path in the example)."""
    root = copy_example(NAME)
    (root / "migrations" / "versions" / ARCHIVING).unlink()
    shutil.copy(root / replacement, root / "migrations" / "versions" / PLAIN)
    return AlembicProject.load(root)


def with_customers(project: AlembicProject, engine: Engine) -> None:
    command.upgrade(project.config(engine), CREATE)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO customers (id, name, fax) VALUES (:id, :name, :fax)"),
            [{"id": i, "name": name, "fax": fax} for i, name, fax in CUSTOMERS],
        )


def customers(engine: Engine) -> list[tuple[int, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, name, fax FROM customers ORDER BY id"))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def customers_without_fax(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            tuple(r) for r in conn.execute(sa.text("SELECT id, name FROM customers ORDER BY id"))
        ]  # type: ignore[misc]


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == [CREATE, DROP]
    assert report.checks == [
        "upgrade base -> head, one revision at a time",
        "models match the database at head",
        "server defaults work",
        "each downgrade restores the schema; each re-upgrade reproduces it",
        "nothing but alembic_version left at base",
    ]


def test_archived_values_survive_upgrade_and_downgrade(engine: Engine) -> None:
    project = AlembicProject.load(PROJECT)
    with_customers(project, engine)
    command.upgrade(project.config(engine), DROP)
    assert "fax" not in {c["name"] for c in sa.inspect(engine).get_columns("customers")}
    with engine.connect() as conn:
        archived = conn.execute(
            sa.text("SELECT customer_id, fax FROM customers_fax_archive ORDER BY customer_id")
        ).all()
    assert archived == [(1, "+44 20 7946 0000"), (3, "+358 9 000")]
    command.downgrade(project.config(engine), CREATE)
    assert customers(engine) == CUSTOMERS
    assert "customers_fax_archive" not in sa.inspect(engine).get_table_names()


def test_plain_drop_round_trips_the_schema_but_loses_the_data(
    database_url: str, engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, f"anti-patterns/{PLAIN}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "no error, no warning"
        run_stairway(project, database_url)  # schema checks pass: they cannot see data
        with_customers(project, engine)
        command.upgrade(project.config(engine), DROP)
        command.downgrade(project.config(engine), CREATE)
    assert customers(engine) == [(i, name, None) for i, name, _ in CUSTOMERS]


def test_refusing_downgrade_raises_a_message_and_changes_nothing(
    engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, f"alternatives/refuse-downgrade/{PLAIN}")
    with_customers(project, engine)
    command.upgrade(project.config(engine), DROP)
    with pytest.raises(CommandError, match=r"cannot be downgraded: the upgrade dropped every fax"):
        command.downgrade(project.config(engine), CREATE)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == (DROP,)
    assert customers_without_fax(engine) == [(i, name) for i, name, _ in CUSTOMERS]


def test_refusing_downgrade_fails_the_harness(
    database_url: str, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, f"alternatives/refuse-downgrade/{PLAIN}")
    with pytest.raises(MigrationCheckError, match=r"downgrade to revision 7799c36dc509 failed"):
        run_stairway(project, database_url)


def test_refusing_downgrade_on_the_command_line(
    database_url: str, engine: Engine, copy_example: Callable[[str], Path]
) -> None:
    project = project_with(copy_example, f"alternatives/refuse-downgrade/{PLAIN}")
    command.upgrade(project.config(engine), DROP)
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(project.config_file), "downgrade", "-1"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 255
    assert (
        "FAILED: Revision 82bcfa5367ea (drop customers.fax) cannot be downgraded: the upgrade "
        "dropped every fax number and kept no copy, "
    ) in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_harness_catches_a_downgrade_that_leaves_an_enum_type_behind(
    backend: str, database_url: str, copy_example: Callable[[str], Path]
) -> None:
    """PostgreSQL fails; SQLite has no ENUM types, its Enum is a VARCHAR dropped with the table."""
    root = copy_example("review-autogenerate")
    revision = next((root / "migrations" / "versions").glob("*_create_products_table.py"))
    text = revision.read_text()
    drop_type = '    sa.Enum(name="product_status").drop(op.get_bind(), checkfirst=True)\n'
    assert drop_type in text
    revision.write_text(text.replace(drop_type, ""))
    if backend == "sqlite":
        run_stairway(AlembicProject.load(root), database_url)  # nothing left behind to find
        return
    with pytest.raises(MigrationCheckError) as failure:
        run_stairway(AlembicProject.load(root), database_url)
    message = str(failure.value)
    assert message.startswith("downgrade of revision e1d2dd598e2e (")
    assert "_create_products_table.py) on postgresql " in message
    assert message.endswith(
        "left a different schema than expected:\n  enums: 'product_status' is new"
    )
