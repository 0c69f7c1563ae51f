"""Migration Handbook: test Alembic migrations the way the handbook does.

The public API:

- [`AlembicProject`][migration_handbook.project.AlembicProject]: load and validate an Alembic project.
- [`check_migrations`][migration_handbook.harness.check_migrations]: run every check of the example
  harness (stairway, schema round trip, models match, server defaults, clean base).
- [`snapshot_schema`][migration_handbook.schema.snapshot_schema] and
  [`diff_schemas`][migration_handbook.schema.diff_schemas]: compare databases by reflection.
"""

from migration_handbook.errors import HandbookError, MigrationCheckError, ProjectError
from migration_handbook.harness import (
    check_clean_base,
    check_migrations,
    check_models_match,
    check_server_defaults,
    run_stairway,
)
from migration_handbook.project import AlembicProject
from migration_handbook.schema import diff_schemas, snapshot_schema

__all__ = [
    "AlembicProject",
    "HandbookError",
    "MigrationCheckError",
    "ProjectError",
    "check_clean_base",
    "check_migrations",
    "check_models_match",
    "check_server_defaults",
    "diff_schemas",
    "run_stairway",
    "snapshot_schema",
]
