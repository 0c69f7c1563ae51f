"""Back up the database, then upgrade it: the pre-migration step for production.

Usage, from this folder:

    DATABASE_URL=postgresql+psycopg://app@db/app uv run python upgrade_with_backup.py backups/

It writes `backups/<database>-before-<revision>-<UTC time>.<dump|db>`, records the row count
and checksum of every table next to it (`.checksums.json`), and only then runs
`alembic upgrade`. If the upgrade fails, it prints the command that restores the backup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from migration_handbook.backup import backup_database, table_checksums

HERE = Path(__file__).resolve().parent


def upgrade_with_backup(database_url: str, backup_dir: str | Path, revision: str = "head") -> Path:
    """Back up `database_url` into `backup_dir`, then upgrade it to `revision`; return the backup."""
    config = Config(HERE / "alembic.ini")
    config.attributes["configure_logger"] = False
    target = ScriptDirectory.from_config(config).as_revision_number(revision)
    url = make_url(database_url)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = "dump" if url.get_backend_name() == "postgresql" else "db"
    name = Path(url.database or "database").stem
    backup = backup_database(url, Path(backup_dir) / f"{name}-before-{target}-{stamp}.{suffix}")

    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            sums = {t: dataclasses.asdict(c) for t, c in table_checksums(conn).items()}
        backup.with_suffix(".checksums.json").write_text(json.dumps(sums, indent=2))
        config.attributes["connection"] = engine
        try:
            command.upgrade(config, revision)
        except Exception:
            print(
                f"upgrade to {revision} failed. Backup: {backup}\n"
                "Restore it with: python -c 'from migration_handbook.backup import "
                f'restore_database; restore_database("{backup}", "<DATABASE_URL>")\'',
                file=sys.stderr,
            )
            raise
    finally:
        engine.dispose()
    return backup


if __name__ == "__main__":
    if len(sys.argv) != 2 or "DATABASE_URL" not in os.environ:
        sys.exit("usage: DATABASE_URL=... python upgrade_with_backup.py BACKUP_FOLDER")
    print(upgrade_with_backup(os.environ["DATABASE_URL"], sys.argv[1]))
