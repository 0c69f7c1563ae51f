"""Move a database from the old revision history onto the squashed baseline, without any DDL.

Run it once per existing database, before `alembic upgrade head`, with the release that
replaced the old revision files by the baseline:

    DATABASE_URL=postgresql+psycopg://app@db/app python -m squash_catalog.baseline

A new, empty database needs nothing: `alembic upgrade head` builds it from the baseline.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

# --8<-- [start:adopt]
OLD_HEAD = "02d751d2e334"
"""The last revision of the old history: its schema is exactly what the baseline builds."""
BASELINE = "ac717088bbfe"
"""The baseline revision that replaced the old history."""


def adopt_baseline(config: Config, connection: Connection) -> str:
    """Stamp a database that is at OLD_HEAD with BASELINE; leave one already on it alone.

    Raises:
        RuntimeError: the database is at another revision of the old history (or none): it
            has not received every old revision, and stamping it would skip their changes.
    """
    current = MigrationContext.configure(connection).get_current_heads()
    if current == (BASELINE,):
        return f"already at the baseline {BASELINE}: nothing to do"
    if current != (OLD_HEAD,):
        raise RuntimeError(
            f"the database is at {list(current) or 'no revision'}, not at {OLD_HEAD}, the last "
            "revision before the squash. Upgrade it to that revision with the previous release "
            "first; stamping it now would skip the revisions it has not run. An empty database "
            "needs no stamp: run `alembic upgrade head`."
        )
    config.attributes["connection"] = connection
    # purge: the old revision ids are gone from versions/, so Alembic could not look them up.
    command.stamp(config, BASELINE, purge=True)
    connection.commit()
    return f"stamped {BASELINE} over {OLD_HEAD}"
    # --8<-- [end:adopt]


def main() -> None:
    config = Config(str(Path(__file__).resolve().parents[1] / "alembic.ini"))
    engine = sa.create_engine(os.environ["DATABASE_URL"], poolclass=NullPool)
    with engine.connect() as connection:
        print(adopt_baseline(config, connection))
    engine.dispose()


if __name__ == "__main__":
    main()
