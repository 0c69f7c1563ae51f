"""The site builds with --strict: no broken link, no missing snippet, no failing notebook cell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("HANDBOOK_DATABASE_URL", None)  # notebooks render against their own SQLite file
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    built = tmp_path / "site"
    assert (built / "examples" / "create-user-table" / "index.html").is_file()
    page = (built / "examples" / "create-user-table" / "index.html").read_text()
    assert "sa.func.now()" in page  # the snippet was included, not left empty
    notebook = (built / "notebooks" / "01-first-migration" / "index.html").read_text()
    assert "active users: 2" in notebook  # executed while building
