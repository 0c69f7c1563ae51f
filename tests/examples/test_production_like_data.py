"""docs/best-practices/production-like-data.md: a migration that passes on an empty database
fails on generated, production-like rows (duplicate e-mails), on both backends."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from migration_handbook import AlembicProject
from migration_handbook.datagen import fill_tables
from tests.conftest import EXAMPLES

NAME = "transactional-migrations"
UNIQUE_EMAIL = ("7127cac97fa6", "905b6040636e")  # the last one builds a unique index on emails


def project_with_unique_email_revision(copy: Callable[[str], Path]) -> AlembicProject:
    root = copy(NAME)
    for revision in UNIQUE_EMAIL:
        (source,) = (EXAMPLES / NAME / "anti-patterns").glob(f"*-{revision}_*.py")
        shutil.copy(source, root / "migrations" / "versions" / source.name)
    return AlembicProject.load(root)


def test_passes_on_an_empty_database(engine: Engine, copy_example: Callable[[str], Path]) -> None:
    project = project_with_unique_email_revision(copy_example)
    command.upgrade(project.config(engine), "head")
    assert "uq_orders_customer_email" in {
        ix["name"] for ix in sa.inspect(engine).get_indexes("orders")
    }


def test_fails_on_production_like_rows(engine: Engine, copy_example: Callable[[str], Path]) -> None:
    project = project_with_unique_email_revision(copy_example)
    command.upgrade(project.config(engine), "7127cac97fa6")
    with engine.connect() as conn:
        fill_tables(conn, {"orders": 1_000}, seed=0)
    with pytest.raises(sa.exc.IntegrityError):
        command.upgrade(project.config(engine), "head")
