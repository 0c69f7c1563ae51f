"""benchmarks/large_tables.py runs end to end at a small size and writes its result files.

PostgreSQL only: every scenario is about PostgreSQL's locks (row locks held by a long UPDATE,
CREATE INDEX's SHARE lock, ACCESS EXCLUSIVE and its queue, lock_timeout).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from migration_handbook.databases import POSTGRES_URL_VARIABLE, url_text
from tests.conftest import REPO_ROOT

SCENARIOS = [
    "CREATE INDEX",
    "CREATE INDEX CONCURRENTLY",
    "ADD COLUMN, constant default (0)",
    "ADD COLUMN, volatile default (clock_timestamp())",
    "SET NOT NULL, directly",
    "CHECK NOT VALID + VALIDATE + SET NOT NULL",
    "ALTER behind a 0.3 s transaction, no lock_timeout",
    "same, lock helper (100 ms, retries)",
    "UPDATE, one statement",
    "backfill helper, batches of 1,000",
    "backfill helper, batches of 10,000",
    "backfill helper, batches of 50,000",
]


@pytest.mark.backends("postgresql")
def test_smoke_run_writes_json_markdown_and_plot(
    backend: str, postgres_server_url: URL, tmp_path: Path
) -> None:
    env = {**os.environ, POSTGRES_URL_VARIABLE: url_text(postgres_server_url)}
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/large_tables.py",
            "--rows",
            "3000",
            "--hold",
            "0.3",
            "--settle",
            "0.05",
            "--repeat",
            "2",
            "--out",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads((tmp_path / "large-tables.json").read_text())
    assert data["environment"]["rows"] == 3000
    assert re.fullmatch(r"\d+(\.\d+)*.*", data["environment"]["postgresql"])
    assert {"date", "cores", "postgresql", "load_average_at_start"} <= set(data["environment"])
    assert [s["scenario"] for s in data["scenarios"]] == SCENARIOS
    for s in data["scenarios"]:
        assert s["wall_seconds"] > 0 and s["rows_per_second"] > 0
        assert 0 < s["writer_p99_ms"] <= s["writer_max_ms"]
    no_timeout = data["scenarios"][6]
    assert no_timeout["writer_max_ms"] >= 250  # queued behind the ALTER for the 0.3 s hold
    assert data["scenarios"][7]["attempts"] >= 2
    for s in data["scenarios"][8:]:  # UPDATE scenarios: the median of the repeated runs
        assert len(s["runs"]) == 2
        assert s["wall_seconds"] in [r["wall_seconds"] for r in s["runs"]]
    assert len(data["targets"]) == 5 and all(isinstance(t["met"], bool) for t in data["targets"])
    table = (tmp_path / "large-tables.md").read_text()
    assert (
        "| scenario | wall time (s) | rows/s | writer's worst wait (ms) | writer's p99 wait (ms) |"
        in table
    )
    assert all(f"| {name} |" in table for name in SCENARIOS)
    assert (tmp_path / "large-tables-writer-wait.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for target in data["targets"]:
        assert ("MET   " if target["met"] else "MISSED") + f" {target['target']}" in result.stdout
