"""Every data migration in examples/*/migrations/versions carries the docstring template of
CONTRIBUTING.md, so whoever deploys it knows what it touches, how long it runs and how to undo it.

A revision is a data migration when its docstring has the line `Data migration.`, or when its
file, outside the docstring and `downgrade()`, changes rows (see `changes_rows`).
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

REVISIONS = sorted(EXAMPLES.glob("*/migrations/versions/*.py"))


# --8<-- [start:rule]
TEMPLATE = (
    "Data migration.",
    "What changes:",
    "Why:",
    "Rows touched:",
    "Expected run time:",
    "Manual steps:",
    "Rollback:",
)
DML_TEXT = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
DML_FUNCTIONS = {"insert", "update", "delete"}


def changes_rows(source: str) -> list[str]:
    """Where a revision file changes rows, as `line N: what`; empty when it changes none.

    Looks at the whole file except its docstring and `downgrade()`, and finds
    - `op.bulk_insert(...)`;
    - `sa.insert(...)`, `sa.update(...)`, `sa.delete(...)` (also `sqlalchemy.` and bare names);
    - `<table>.insert()`, `.update()`, `.delete()` called without arguments (SQLAlchemy's
      `Table` methods; `dict.update(x)` and `list.insert(i, x)` take arguments);
    - a call to a function whose name starts with `backfill` (the handbook's
      `migration_handbook.backfill` helpers);
    - a string that starts with INSERT, UPDATE or DELETE (any case): what `op.execute`,
      `sa.text` and `exec_driver_sql` run.
    """
    found = []
    for node in _code_outside_docstring_and_downgrade(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if DML_TEXT.match(node.value):
                found.append(f"line {node.lineno}: {node.value.strip()[:60]!r}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            module = getattr(getattr(func, "value", None), "id", None)
            if name == "bulk_insert" or name.startswith("backfill"):
                found.append(f"line {node.lineno}: {ast.unparse(func)}(...)")
            elif name in DML_FUNCTIONS and (
                isinstance(func, ast.Name)
                or module in ("sa", "sqlalchemy")
                or not (node.args or node.keywords)
            ):
                found.append(f"line {node.lineno}: {ast.unparse(func)}(...)")
    return found


def is_data_migration(source: str) -> bool:
    docstring = ast.get_docstring(ast.parse(source)) or ""
    declared = any(line.strip() == TEMPLATE[0] for line in docstring.splitlines())
    return declared or bool(changes_rows(source))


def missing_from_template(source: str) -> list[str]:
    """The template's lines the docstring lacks (a label with nothing after it counts as missing)."""
    lines = [line.strip() for line in (ast.get_docstring(ast.parse(source)) or "").splitlines()]
    return [
        label
        for label in TEMPLATE
        if not any(
            line.startswith(label) and (label == TEMPLATE[0] or line[len(label) :].strip())
            for line in lines
        )
    ]


def check_documented(path: Path) -> None:
    source = path.read_text()
    missing = missing_from_template(source)
    assert not missing, (
        f"{path} is a data migration ({'; '.join(changes_rows(source)) or 'declared'}) but its "
        f"docstring lacks {missing}. Copy the template from CONTRIBUTING.md (Revisions) into "
        "the docstring, after the Alembic header, and fill in every line."
    )
    # --8<-- [end:rule]


def _code_outside_docstring_and_downgrade(tree: ast.Module) -> Iterator[ast.AST]:
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    stack: list[ast.AST] = [
        node
        for node in body
        if not (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "downgrade"
        )
    ]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(ast.iter_child_nodes(node))


DATA_MIGRATIONS = [p for p in REVISIONS if is_data_migration(p.read_text())]


# --8<-- [start:test]
@pytest.mark.parametrize("path", DATA_MIGRATIONS, ids=lambda p: f"{p.parents[2].name}/{p.stem}")
def test_data_migration_carries_the_template(path: Path) -> None:
    check_documented(path)
    # --8<-- [end:test]


def test_the_examples_data_migration_is_found() -> None:
    names = {p.name for p in DATA_MIGRATIONS}
    assert "2024_04_15_0000-37fc0f34c64c_lowercase_account_emails.py" in names
    assert "2024_04_01_0000-08de45803657_create_accounts.py" not in names


def test_an_undocumented_copy_fails_the_check(copy_example: Callable[[str], Path]) -> None:
    project = copy_example("document-data-migrations")
    name = "2024_04_15_0000-37fc0f34c64c_lowercase_account_emails.py"
    shutil.copy(project / "anti-patterns" / name, project / "migrations" / "versions" / name)
    undocumented = project / "migrations" / "versions" / name
    with pytest.raises(AssertionError) as raised:
        check_documented(undocumented)
    message = str(raised.value)
    assert message.startswith(  # pytest appends its own explanation after the message
        f"{undocumented} is a data migration "
        "(line 20: 'UPDATE accounts SET email = lower(email) WHERE email <> lowe') but its "
        "docstring lacks ['Data migration.', 'What changes:', 'Why:', 'Rows touched:', "
        "'Expected run time:', 'Manual steps:', 'Rollback:']. Copy the template from "
        "CONTRIBUTING.md (Revisions) into the docstring, after the Alembic header, and fill in "
        "every line."
    )


HEADER = (
    '"""add x\n\nRevision ID: 0123456789ab\n"""\nimport sqlalchemy as sa\nfrom alembic import op\n'
)


@pytest.mark.parametrize(
    "upgrade",
    [
        'op.execute("UPDATE accounts SET email = lower(email)")',
        "op.execute(sa.text(\"\\n  insert into plans (name) values ('free')\"))",
        'op.get_bind().execute(sa.text("DELETE FROM sessions"))',
        'op.get_bind().exec_driver_sql("update t set x = 1")',
        'op.bulk_insert(plans, [{"name": "free"}])',
        "op.execute(sa.insert(accounts).values(id=1))",
        "op.execute(sa.update(accounts).values(active=True))",
        "op.execute(sa.delete(accounts))",
        "op.execute(sqlalchemy.insert(accounts).values(id=1))",
        "op.execute(update(accounts).values(active=True))",
        "op.execute(accounts.insert().values(id=1))",
        "op.execute(accounts.update().values(active=True))",
        "op.execute(accounts.delete())",
        'backfill_in_revision("customers", values={"x": "1"}, where="x IS NULL")',
        'op.execute(f"UPDATE {table} SET x = 1")',
    ],
)
def test_these_upgrades_are_data_migrations(upgrade: str) -> None:
    source = f"{HEADER}\n\ndef upgrade():\n    {upgrade}\n\n\ndef downgrade():\n    pass\n"
    assert is_data_migration(source)
    assert missing_from_template(source) == list(TEMPLATE)


@pytest.mark.parametrize(
    "upgrade",
    [
        'op.execute("CREATE INDEX ix_a ON accounts (email)")',
        'op.add_column("accounts", sa.Column("plan", sa.String(20)))',
        'options.update({"a": 1})',
        'names.insert(0, "a")',
        "lowercase_emails(op.get_bind())  # DML in a helper the rule cannot see",
        'session.add(Account(email="a@b.c"))  # ORM: not detected either',
        "# UPDATE accounts SET x = 1 (a comment is not code)",
    ],
)
def test_these_upgrades_are_not(upgrade: str) -> None:
    source = f'{HEADER}\n\ndef upgrade():\n    {upgrade}\n    pass\n\n\ndef downgrade():\n    op.execute("DELETE FROM accounts")\n'
    assert not is_data_migration(source)


def test_declared_in_the_docstring_is_a_data_migration_without_dml() -> None:
    source = '"""add x\n\nData migration.\n"""\n\n\ndef upgrade():\n    lowercase_emails()\n'
    assert is_data_migration(source)
    assert missing_from_template(source) == list(TEMPLATE[1:])


def test_dml_in_the_docstring_does_not_count() -> None:
    source = '"""UPDATE accounts: add a plan column"""\n\n\ndef upgrade():\n    pass\n'
    assert not is_data_migration(source)
