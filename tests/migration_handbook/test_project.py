"""AlembicProject.load refuses bad input with a message naming the file and what to do."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from migration_handbook import AlembicProject, ProjectError

EXAMPLE = "create-user-table"
FIRST_REVISION = "2023_01_01_0000-3c7d0f2a9b41_create_user_table.py"

SECOND_REVISION = '''"""add nickname to users

Revision ID: {rev}
Revises: {down}
Create Date: 2023-01-02 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("nickname", sa.String(50)))


def downgrade() -> None:
    op.drop_column("users", "nickname")
'''


def add_revision(project: Path, rev: str, down: str | None, name: str | None = None) -> Path:
    path = project / "migrations" / "versions" / (name or f"2023_01_02_0000-{rev}_add_nickname.py")
    path.write_text(SECOND_REVISION.format(rev=rev, down=down))
    return path


def test_loads_a_valid_project() -> None:
    from tests.conftest import EXAMPLES

    project = AlembicProject.load(EXAMPLES / EXAMPLE)
    assert project.config_file.name == "alembic.ini"
    assert [s.revision for s in project.revisions()] == ["3c7d0f2a9b41"]
    assert project.head() == "3c7d0f2a9b41"


def test_folder_without_alembic_config(tmp_path: Path) -> None:
    with pytest.raises(
        ProjectError, match=re.escape(str(tmp_path)) + ".*no Alembic configuration found"
    ):
        AlembicProject.load(tmp_path)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such folder"):
        AlembicProject.load(tmp_path / "nowhere")


def test_pyproject_with_tool_alembic_is_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.alembic]\nscript_location = "%(here)s/migrations"\n'
    )
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    assert AlembicProject.load(tmp_path).config_file.name == "pyproject.toml"


def test_revision_file_that_fails_to_import(copy_example: Callable[[str], Path]) -> None:
    project = copy_example(EXAMPLE)
    broken = add_revision(project, "a1b2c3d4e5f6", "3c7d0f2a9b41")
    broken.write_text(broken.read_text().replace("def upgrade() -> None:", "def upgrade() -> None"))
    with pytest.raises(
        ProjectError,
        match=re.escape(str(broken)) + ": the revision file fails to import: SyntaxError",
    ):
        AlembicProject.load(project)


def test_two_heads(copy_example: Callable[[str], Path]) -> None:
    project = copy_example(EXAMPLE)
    add_revision(project, "a1b2c3d4e5f6", "3c7d0f2a9b41")
    add_revision(
        project, "b2c3d4e5f6a1", "3c7d0f2a9b41", name="2023_01_02_0001-b2c3d4e5f6a1_add_nickname.py"
    )
    with pytest.raises(
        ProjectError,
        match=r"2 heads \(2023_01_02_0000-a1b2c3d4e5f6.*, 2023_01_02_0001-b2c3d4e5f6a1.*\).*alembic merge heads",
    ):
        AlembicProject.load(project)


def test_down_revision_pointing_nowhere(copy_example: Callable[[str], Path]) -> None:
    project = copy_example(EXAMPLE)
    orphan = add_revision(project, "a1b2c3d4e5f6", "ffffffffffff")
    with pytest.raises(ProjectError) as raised:
        AlembicProject.load(project)
    assert "ffffffffffff" in str(raised.value)
    assert orphan.name in str(raised.value)


def test_missing_versions_folder(copy_example: Callable[[str], Path]) -> None:
    project = copy_example(EXAMPLE)
    for path in (project / "migrations" / "versions").iterdir():
        path.unlink() if path.is_file() else None
    (project / "migrations" / "versions").rmdir()
    with pytest.raises(ProjectError, match="versions folder does not exist"):
        AlembicProject.load(project)
