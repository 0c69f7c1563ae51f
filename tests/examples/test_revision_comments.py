"""Every complex revision in every example explains itself.

The rule is the one docs/best-practices/comments.md states; that page includes the code below.
"""

from __future__ import annotations

import ast
import io
import re
import shutil
import tokenize
from collections.abc import Callable
from pathlib import Path

import pytest

from migration_handbook import AlembicProject, check_migrations
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "expand-backfill-contract"
UNCOMMENTED = sorted((EXAMPLE / "anti-patterns" / "uncommented").glob("*.py"))

# --8<-- [start:rule]
REVISIONS = sorted(EXAMPLES.glob("*/migrations/versions/*.py"))
# Calls that make a revision complex, whatever they are called on (op, a connection, a context).
COMPLEX_CALLS = frozenset(
    {"execute", "bulk_insert", "get_bind", "batch_alter_table", "autocommit_block"}
)
DATA_MIGRATION = re.compile(r"^Data migration\.", re.MULTILINE)
ALEMBIC_HEADER = re.compile(r"^(Revision ID|Revises|Create Date):")
NOT_PROSE = re.compile(r"^(noqa|type:|pragma|fmt:|ruff:|--8<--)")
MIN_WORDS = 4


def why_complex(source: str) -> list[str]:
    """What makes a revision complex: the complex calls it makes, and a data-migration docstring."""
    tree = ast.parse(source)
    reasons = sorted(
        {
            f"{name}()"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and (name := called_name(node)) in COMPLEX_CALLS
        }
    )
    if DATA_MIGRATION.search(ast.get_docstring(tree) or ""):
        reasons.append("a data-migration docstring")
    return reasons


def explanations(source: str) -> list[str]:
    """Comments, and docstring paragraphs other than Alembic's header, of MIN_WORDS words or more."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        text = token.string.lstrip("#").strip()
        if token.type == tokenize.COMMENT and not NOT_PROSE.match(text):
            found.append(text)
    tree = ast.parse(source)
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
    for node in nodes:
        paragraphs = (ast.get_docstring(node) or "").split("\n\n")
        if node is tree:  # the module docstring opens with the -m message and Alembic's header
            paragraphs = [
                p
                for p in paragraphs[1:]
                if not all(ALEMBIC_HEADER.match(line) for line in p.splitlines())
            ]
        found.extend(p.strip() for p in paragraphs)
    return [text for text in found if len(text.split()) >= MIN_WORDS]


def comment_problem(path: Path) -> str | None:
    """Why a revision breaks the rule, or None: complex revisions must explain themselves."""
    source = path.read_text()
    reasons = why_complex(source)
    if not reasons or explanations(source):
        return None
    return (
        f"{path}: this revision is complex ({', '.join(reasons)}) and explains nothing. "
        f"Add a comment of at least {MIN_WORDS} words saying why: the lock it takes, why the "
        "steps come in this order, what the data predicate guarantees, or how to recover "
        "when it fails. A docstring paragraph after Alembic's header works too."
    )


def called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


@pytest.mark.parametrize("path", REVISIONS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_complex_revision_explains_why(path: Path) -> None:
    problem = comment_problem(path)
    assert problem is None, problem


# --8<-- [end:rule]


def test_the_check_sees_the_examples() -> None:
    covered = {p.relative_to(EXAMPLES).parts[0] for p in REVISIONS}
    assert {"create-user-table", "expand-backfill-contract"} <= covered


def test_the_backfill_and_contract_revisions_are_complex_and_explained() -> None:
    versions = EXAMPLE / "migrations" / "versions"
    backfill = next(versions.glob("*_backfill_accounts_normalized_email.py")).read_text()
    contract = next(versions.glob("*_set_accounts_normalized_email_not_null.py")).read_text()
    assert why_complex(backfill) == ["execute()", "a data-migration docstring"]
    assert why_complex(contract) == ["batch_alter_table()"]
    assert len(explanations(backfill)) >= 4  # three comment blocks and the template
    assert len(explanations(contract)) >= 2


def test_a_plain_schema_revision_is_not_complex() -> None:
    create = next(EXAMPLE.glob("migrations/versions/*_create_accounts_table.py"))
    assert why_complex(create.read_text()) == []
    assert comment_problem(create) is None


def test_the_uncommented_copies_are_flagged() -> None:
    backfill, contract = (comment_problem(path) for path in UNCOMMENTED)
    assert backfill is not None and contract is not None
    assert "this revision is complex (execute()) and explains nothing. Add a comment" in backfill
    assert f"{UNCOMMENTED[1]}: this revision is complex (batch_alter_table()) and explains " in (
        contract
    )


@pytest.mark.parametrize("path", UNCOMMENTED, ids=lambda p: p.name)
def test_the_uncommented_copy_is_the_same_code(path: Path) -> None:
    commented = EXAMPLE / "migrations" / "versions" / path.name

    def code(source: str) -> list[str]:
        tree = ast.parse(source)
        return [ast.dump(n) for n in tree.body if isinstance(n, ast.FunctionDef)]

    assert code(path.read_text()) == code(commented.read_text())


def test_one_word_comments_and_pragmas_do_not_count() -> None:
    source = '"""x\n\nRevision ID: a\n"""\nop.execute("SELECT 1")  # noqa: E501\n# backfill\n'
    assert why_complex(source) == ["execute()"]
    assert explanations(source) == []


def test_tools_cannot_tell_the_difference(
    copy_example: Callable[[str], Path], database_url: str
) -> None:
    folder = copy_example("expand-backfill-contract")
    for path in UNCOMMENTED:
        shutil.copy(path, folder / "migrations" / "versions" / path.name)
    report = check_migrations(AlembicProject.load(folder), database_url)
    assert len(report.checks) == 5  # every harness check passes without a single comment
