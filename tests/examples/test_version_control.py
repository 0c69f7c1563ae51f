"""examples/version-control: what to commit, what never to, and two branches that each add a revision."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from migration_handbook import (
    AlembicProject,
    MigrationCheckError,
    ProjectError,
    check_migrations,
    diff_schemas,
    snapshot_schema,
)
from tests.conftest import EXAMPLES, REPO_ROOT

NAME = "version-control"
PROJECT = EXAMPLES / NAME
BASE = "59a96ff9ac59"
ITEM_SKU = "3427965639f8"  # written on branch feature/item-sku
SUPPLIERS = "ddf80cdad799"  # written on branch feature/suppliers
MERGE = "43ebd4dc19b8"


# --8<-- [start:no-url]
def database_urls_in(ini: Path) -> list[str]:
    """Every `sqlalchemy.url` set in an alembic.ini, in any section ("" values don't count)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini)
    return [
        f"[{section}] sqlalchemy.url = {parser[section]['sqlalchemy.url']}"
        for section in parser.sections()
        if parser[section].get("sqlalchemy.url", "").strip()
    ]


@pytest.mark.parametrize("ini", sorted(EXAMPLES.glob("*/alembic.ini")), ids=lambda p: p.parent.name)
def test_alembic_ini_holds_no_database_url(ini: Path) -> None:
    found = database_urls_in(ini)
    assert not found, (
        f"{ini} sets {found}: a committed URL leaks the server and often its password. Remove "
        "the line and let env.py read the URL from an environment variable (DATABASE_URL)."
    )


def test_no_database_file_is_committed() -> None:
    committed = subprocess.run(
        ["git", "ls-files", "--", "*.db", "*.sqlite", "*.sqlite3"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not committed, f"database files are committed: {committed}. `git rm --cached` them."
    # --8<-- [end:no-url]


def test_the_check_catches_a_committed_password() -> None:
    found = database_urls_in(PROJECT / "anti-patterns" / "alembic.ini")
    assert found == [
        "[alembic] sqlalchemy.url = "
        "postgresql+psycopg://app:s3cret-prod-password@db.internal:5432/app"
    ]


@pytest.mark.parametrize(
    ("url", "caught"),
    [
        ("postgresql+psycopg://app:s3cret@db/app", True),
        ("postgresql+psycopg://app@db/app", True),  # no password: still the server's address
        ("sqlite:///app.db", True),
        ("", False),  # an empty value sets nothing
    ],
    ids=["password", "no-password", "sqlite", "empty"],
)
def test_the_check_catches_any_url_with_or_without_a_password(
    tmp_path: Path, url: str, caught: bool
) -> None:
    ini = tmp_path / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n")
    assert database_urls_in(ini) == ([f"[alembic] sqlalchemy.url = {url}"] if caught else [])


def test_the_merge_revision_changes_nothing_in_the_database(engine: Engine) -> None:
    config = AlembicProject.load(PROJECT).config(engine)
    command.upgrade(config, ITEM_SKU)
    command.upgrade(config, SUPPLIERS)
    assert set(heads(engine)) == {ITEM_SKU, SUPPLIERS}
    with engine.connect() as conn:
        before = snapshot_schema(conn)
    command.upgrade(config, MERGE)
    assert heads(engine) == (MERGE,)
    with engine.connect() as conn:
        assert diff_schemas(before, snapshot_schema(conn)) == []


def test_passes_every_harness_check_through_the_merge(database_url: str) -> None:
    report = check_migrations(AlembicProject.load(PROJECT), database_url)
    assert report.revisions[0] == BASE and report.revisions[-1] == MERGE
    assert set(report.revisions[1:3]) == {ITEM_SKU, SUPPLIERS}
    assert len(report.checks) == 5


def test_stairway_still_catches_a_bad_downgrade_on_a_branch(
    database_url: str, copy_example: Callable[[str], Path]
) -> None:
    project = copy_example(NAME)
    suppliers = next((project / "migrations" / "versions").glob(f"*{SUPPLIERS}*.py"))
    text = suppliers.read_text()
    suppliers.write_text(text.replace('    op.drop_table("suppliers")', "    pass"))
    with pytest.raises(MigrationCheckError, match=rf"downgrade of revision {SUPPLIERS}"):
        check_migrations(AlembicProject.load(project), database_url)


def git(repo: Path, *args: str) -> str:
    """Run git in a throwaway repository, ignoring the machine's git configuration."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Handbook",
        "GIT_AUTHOR_EMAIL": "handbook@example.invalid",
        "GIT_COMMITTER_NAME": "Handbook",
        "GIT_COMMITTER_EMAIL": "handbook@example.invalid",
    }
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_gitignore_keeps_databases_and_credentials_out(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(PROJECT, repo, ignore=shutil.ignore_patterns("__pycache__", "anti-patterns"))
    git(repo, "init", "-q", "-b", "main")
    for leftover in ("app.db", "test.sqlite3", ".env", "alembic.local.ini"):
        (repo / leftover).write_text("local only\n")
    git(repo, "add", "--all")
    staged = git(repo, "diff", "--cached", "--name-only").split()
    assert not {"app.db", "test.sqlite3", ".env", "alembic.local.ini"} & set(staged)
    assert "alembic.ini" in staged
    assert {
        f"migrations/versions/{p.name}" for p in (PROJECT / "migrations/versions").glob("*.py")
    } <= set(staged)


def test_two_branches_give_two_heads_that_merge_joins(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(PROJECT, repo, ignore=shutil.ignore_patterns("__pycache__", "anti-patterns"))
    versions = repo / "migrations" / "versions"
    parked = tmp_path / "parked"
    parked.mkdir()
    for rev in (ITEM_SKU, SUPPLIERS, MERGE):
        path = next(versions.glob(f"*{rev}*.py"))
        path.rename(parked / path.name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "--all")
    git(repo, "commit", "-q", "-m", "create items")
    for branch, rev in (("feature/item-sku", ITEM_SKU), ("feature/suppliers", SUPPLIERS)):
        git(repo, "switch", "-q", "-c", branch, "main")
        shutil.copy(next(parked.glob(f"*{rev}*.py")), versions)
        git(repo, "add", "--all")
        git(repo, "commit", "-q", "-m", f"add revision {rev}")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "feature/item-sku")
    git(repo, "merge", "-q", "--no-edit", "feature/suppliers")  # no conflict: different files

    # Git is happy; Alembic is not. The harness names both files...
    with pytest.raises(ProjectError) as raised:
        AlembicProject.load(repo)
    assert str(raised.value) == (
        f"{repo / 'migrations' / 'versions'}: the history has 2 heads "
        f"(2024_02_01_0900-{ITEM_SKU}_add_item_sku.py, "
        f"2024_02_01_1000-{SUPPLIERS}_create_suppliers.py). "
        'Join them with `alembic merge heads -m "merge"` or rebase one revision onto the other.'
    )

    # ...and `alembic upgrade head` refuses to choose.
    monkeypatch.setenv("DATABASE_URL", database_url)
    config = AlembicProject(root=repo, config_file=repo / "alembic.ini").config()
    with pytest.raises(CommandError) as refused:
        command.upgrade(config, "head")
    assert str(refused.value) == (
        "Multiple head revisions are present for given argument 'head'; please specify a "
        "specific target revision, '<branchname>@head' to narrow to a specific head, or "
        "'heads' for all heads"
    )

    # `alembic merge heads -m "merge item sku and suppliers"`
    script = command.merge(config, "heads", message="merge item sku and suppliers")
    assert script is not None
    assert set(script.down_revision) == {ITEM_SKU, SUPPLIERS}
    assert re.fullmatch(
        r"\d{4}_\d\d_\d\d_\d{4}-[0-9a-f]{12}_merge_item_sku_and_suppliers\.py",
        Path(script.path).name,
    )

    merged = AlembicProject.load(repo)
    assert merged.head() == script.revision
    check_migrations(merged, database_url)


def test_plain_downgrade_to_a_sibling_does_nothing_but_at_minus_one_moves_one_branch(
    engine: Engine,
) -> None:
    config = AlembicProject.load(PROJECT).config(engine)
    command.upgrade(config, SUPPLIERS)
    command.upgrade(config, ITEM_SKU)
    assert set(heads(engine)) == {SUPPLIERS, ITEM_SKU}
    command.downgrade(config, SUPPLIERS)  # what "downgrade to the revision before" would do
    assert set(heads(engine)) == {SUPPLIERS, ITEM_SKU}
    assert "sku" in {c["name"] for c in sa.inspect(engine).get_columns("items")}
    command.downgrade(config, f"{ITEM_SKU}@-1")
    assert heads(engine) == (SUPPLIERS,)
    assert "sku" not in {c["name"] for c in sa.inspect(engine).get_columns("items")}


def heads(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_heads()
