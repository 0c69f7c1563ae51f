"""Every example's env.py is the reference env.py (examples/create-user-table), apart from names.

Each example must be a complete project a reader can copy, so env.py is repeated in every
example folder; this test keeps the copies from drifting apart. An example whose env.py differs
on purpose is listed in DIFFERS_ON_PURPOSE with the reason, and its page shows the difference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

REFERENCE = EXAMPLES / "create-user-table" / "migrations" / "env.py"
DIFFERS_ON_PURPOSE = {
    "transactional-migrations": "adds the SQLite BEGIN recipe so DDL rolls back (transactions page)",
}
ENV_FILES = sorted(p for p in EXAMPLES.glob("*/migrations/env.py") if p != REFERENCE)


def normalised(text: str) -> list[str]:
    text = re.sub(r"Alembic environment for the [\w-]+ (counter-)?example", "EXAMPLE", text)
    lines = [
        line
        for line in text.splitlines()
        if not re.match(r"from \w+\.models import metadata$", line)
    ]
    return lines


def models_import(text: str) -> list[str]:
    return re.findall(r"^from (\w+)\.models import metadata$", text, flags=re.M)


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda p: p.parent.parent.name)
def test_env_py_matches_the_reference(env_file: Path) -> None:
    example = env_file.parent.parent.name
    text = env_file.read_text()
    assert len(models_import(text)) == 1, (
        f"{env_file}: import target_metadata from the models package"
    )
    if example in DIFFERS_ON_PURPOSE:
        assert normalised(text) != normalised(REFERENCE.read_text())
        return
    assert normalised(text) == normalised(REFERENCE.read_text()), (
        f"{env_file} differs from {REFERENCE}: change the reference and every copy together, "
        "or list the example in DIFFERS_ON_PURPOSE with the reason."
    )


def test_models_packages_have_unique_names() -> None:
    names = [models_import(REFERENCE.read_text())[0]] + [
        models_import(p.read_text())[0] for p in ENV_FILES
    ]
    assert len(names) == len(set(names)), sorted(names)
