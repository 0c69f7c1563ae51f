"""Every python code block under docs/ (and in the library's docstrings) is linted and run.

A block that cannot run says why in its fence: ```{.python test="skip" reason="..."}```; it is
still linted. A block that includes files with `--8<--` is checked through the files it
includes: each must be valid, lint-clean Python (they run in their own tests).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

from tests.conftest import REPO_ROOT

SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')
BLOCKS = list(find_examples(REPO_ROOT / "docs", REPO_ROOT / "src"))
RUNNABLE = [
    b for b in BLOCKS if not SNIPPET.search(b.source) and b.prefix_settings().get("test") != "skip"
]
# Kept exactly as the source published it (imports unsorted): lint it for errors, not for style.
VERBATIM = {"examples/source-create-user-table/as-published/create_user_table.py"}
INCLUDES = sorted({m for b in BLOCKS for m in SNIPPET.findall(b.source) if m.endswith(".py")})


def configure(eval_example: EvalExample) -> None:
    eval_example.set_config(line_length=100, target_version="py311", quotes="either")


def test_blocks_were_found() -> None:
    assert RUNNABLE and INCLUDES


@pytest.mark.parametrize("block", [b for b in BLOCKS if not SNIPPET.search(b.source)], ids=str)
def test_block_is_linted_and_skips_only_with_a_reason(
    block: CodeExample, eval_example: EvalExample
) -> None:
    settings = block.prefix_settings()
    if settings.get("test") == "skip":
        assert settings.get("reason"), f'{block}: test="skip" needs reason="why it cannot run"'
    configure(eval_example)
    eval_example.lint(block)


@pytest.mark.parametrize("block", RUNNABLE, ids=str)
def test_block_runs(
    block: CodeExample,
    eval_example: EvalExample,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.setenv("DATABASE_URL", database_url)
    configure(eval_example)
    if eval_example.update_examples:
        eval_example.run_print_update(block)
    else:
        eval_example.run_print_check(block)


@pytest.mark.parametrize("included", INCLUDES)
def test_included_python_file_is_linted(included: str, eval_example: EvalExample) -> None:
    path = REPO_ROOT / included
    configure(eval_example)
    if included in VERBATIM:
        eval_example.set_config(line_length=100, target_version="py311", ruff_ignore=["I001"])
    eval_example.lint_ruff(CodeExample.create(path.read_text(), path=Path(path)))
