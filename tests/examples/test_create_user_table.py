"""examples/create-user-table: the portable create_user_table, on every backend."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from migration_handbook import AlembicProject, check_migrations
from tests.conftest import EXAMPLES

PROJECT = EXAMPLES / "create-user-table"


def upgraded(engine: Engine) -> AlembicProject:
    project = AlembicProject.load(PROJECT)
    command.upgrade(project.config(engine), "head")
    return project


def test_passes_every_harness_check(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions == ["3c7d0f2a9b41"]
    assert len(report.checks) == 5


def test_insert_relying_on_defaults_gives_real_values(engine: Engine) -> None:
    upgraded(engine)
    users = sa.Table("users", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(users.insert().values(email="ada@example.com", hashed_password="x"))
        row = conn.execute(sa.select(users)).one()
        active_count = conn.execute(
            sa.select(sa.func.count()).select_from(users).where(users.c.is_active.is_(True))
        ).scalar_one()
    assert row.is_active is True
    assert isinstance(row.created_at, dt.datetime)
    assert active_count == 1


def test_only_the_primary_key_indexes_id(engine: Engine) -> None:
    upgraded(engine)
    indexes = sa.inspect(engine).get_indexes("users")
    assert [ix["column_names"] for ix in indexes] == [["email"]]
    assert sa.inspect(engine).get_pk_constraint("users")["constrained_columns"] == ["id"]


def test_updated_at_moves_on_orm_update(engine: Engine) -> None:
    upgraded(engine)  # puts the example folder on sys.path (prepend_sys_path)
    from user_accounts.models import User

    past = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    with Session(engine) as session:
        user = User(email="ada@example.com", hashed_password="x", updated_at=past)
        session.add(user)
        session.commit()
        user.is_active = False
        session.commit()
        assert user.updated_at.year > 2000


def test_email_index_enforces_uniqueness(engine: Engine) -> None:
    upgraded(engine)
    users = sa.Table("users", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(users.insert().values(email="ada@example.com", hashed_password="x"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(users.insert().values(email="ada@example.com", hashed_password="y"))
