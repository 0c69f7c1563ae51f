"""examples/create-user-table: the portable create_user_table, on every backend."""

from __future__ import annotations

import datetime as dt
import io

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


def test_primary_key_has_the_convention_name(engine: Engine) -> None:
    upgraded(engine)
    assert sa.inspect(engine).get_pk_constraint("users")["name"] == "pk_users"


def test_defaults_render_for_each_backend(
    backend: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sa.true() and sa.func.now() as each backend gets them (`alembic upgrade head --sql`)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    output = io.StringIO()
    command.upgrade(AlembicProject.load(PROJECT).config(output=output), "head", sql=True)
    sql = " ".join(output.getvalue().split())
    if backend == "postgresql":
        assert "is_active BOOLEAN DEFAULT true NOT NULL" in sql
        assert "created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL" in sql
    else:
        assert "is_active BOOLEAN DEFAULT 1 NOT NULL" in sql
        assert "created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL" in sql


def test_the_default_stores_a_real_boolean(backend: str, engine: Engine) -> None:
    upgraded(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO users (email, hashed_password) VALUES ('ada@example.com', 'x')"
        )
        if backend == "postgresql":
            assert conn.exec_driver_sql("SELECT is_active FROM users").scalar_one() is True
        else:  # the integer 1, not the text 'true' of the source's version
            stored = conn.exec_driver_sql("SELECT is_active, typeof(is_active) FROM users").one()
            assert tuple(stored) == (1, "integer")


@pytest.mark.parametrize("url", ["mysql://root@localhost/app", "mariadb://root@localhost/app"])
def test_compiles_for_mysql_and_mariadb(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Offline mode (`alembic upgrade head --sql`) needs no server, only the dialect.
    monkeypatch.setenv("DATABASE_URL", url)
    output = io.StringIO()
    command.upgrade(AlembicProject.load(PROJECT).config(output=output), "head", sql=True)
    assert "email VARCHAR(320) NOT NULL" in output.getvalue()


@pytest.mark.backends("postgresql")
def test_postgresql_timestamps_do_not_depend_on_the_session_time_zone(engine: Engine) -> None:
    """PostgreSQL only: SQLite has no time zone setting; the source's version differs by 9 h."""
    upgraded(engine)
    for zone, email in (("UTC", "utc@example.com"), ("Asia/Tokyo", "tokyo@example.com")):
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET TIME ZONE '{zone}'")
            conn.exec_driver_sql(
                f"INSERT INTO users (email, hashed_password) VALUES ('{email}', 'x')"
            )
    with engine.connect() as conn:
        seconds = conn.exec_driver_sql(
            "SELECT extract(epoch FROM max(created_at) - min(created_at)) FROM users"
        ).scalar_one()
    assert seconds < 60


def test_the_server_default_alone_does_not_move_updated_at(engine: Engine) -> None:
    """An UPDATE that SQLAlchemy's models did not issue leaves updated_at as it was."""
    upgraded(engine)
    past = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    users = sa.Table("users", sa.MetaData(), autoload_with=engine)  # no onupdate here
    with engine.begin() as conn:
        conn.execute(
            users.insert().values(email="ada@example.com", hashed_password="x", updated_at=past)
        )
        conn.execute(users.update().values(is_active=False))
        updated_at = conn.execute(sa.select(users.c.updated_at)).scalar_one()
    assert updated_at.year == 2000
