"""Describe a database's schema by reflecting the database itself, and compare two descriptions.

Autogenerate compares a database with *models*; it misses what the models cannot express
(renames, unnamed constraints, some server defaults). A snapshot compares a database with
*another state of the same database*, so a downgrade that leaves anything behind, or takes
too much away, shows up as a difference.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

Snapshot = dict[str, Any]
"""A schema description: plain, sorted, JSON-compatible data (tables, views, sequences, enums)."""

IGNORED_TABLES = frozenset({"alembic_version"})


def snapshot_schema(connection: Connection, *, ignore: frozenset[str] = IGNORED_TABLES) -> Snapshot:
    """Reflect the schema the connection sees into plain data.

    Each table records its columns (type as the backend names it, nullability, server default),
    primary key, indexes, unique, foreign-key and check constraints. On PostgreSQL, sequences and
    enum types are recorded too. Tables in `ignore` are left out (by default `alembic_version`).
    """
    inspector = sa.inspect(connection)
    dialect = connection.dialect
    tables: dict[str, Any] = {}
    for name in sorted(set(inspector.get_table_names()) - ignore):
        tables[name] = {
            "columns": {
                col["name"]: {
                    "type": _type_name(col["type"], dialect),
                    "nullable": bool(col["nullable"]),
                    "server_default": _normalise_default(col.get("default")),
                }
                for col in inspector.get_columns(name)
            },
            "primary_key": _constraint(inspector.get_pk_constraint(name), "constrained_columns"),
            "indexes": _sorted(
                {
                    "name": ix["name"],
                    "columns": list(ix["column_names"]),
                    "unique": bool(ix["unique"]),
                }
                for ix in inspector.get_indexes(name)
            ),
            "unique_constraints": _sorted(
                _constraint(uc, "column_names") for uc in inspector.get_unique_constraints(name)
            ),
            "foreign_keys": _sorted(
                {
                    "name": fk["name"],
                    "columns": list(fk["constrained_columns"]),
                    "references": f"{fk['referred_table']}({', '.join(fk['referred_columns'])})",
                    "ondelete": (fk.get("options") or {}).get("ondelete"),
                }
                for fk in inspector.get_foreign_keys(name)
            ),
            "check_constraints": _sorted(
                {"name": ck["name"], "sqltext": _squash(ck["sqltext"])}
                for ck in inspector.get_check_constraints(name)
            ),
        }
    snapshot: Snapshot = {
        "tables": tables,
        "views": sorted(inspector.get_view_names()),
    }
    if dialect.name == "postgresql":
        snapshot["sequences"] = sorted(inspector.get_sequence_names())
        snapshot["enums"] = {
            e["name"]: list(e["labels"])
            for e in inspector.get_enums()  # type: ignore[attr-defined]
        }
    return snapshot


def diff_schemas(before: Snapshot, after: Snapshot) -> list[str]:
    """List the differences between two snapshots, one readable line each.

    An empty list means the schemas are equal.
    """
    lines: list[str] = []
    _diff(before, after, [], lines)
    return lines


def _diff(a: Any, b: Any, path: list[str], out: list[str]) -> None:
    where = " > ".join(path) or "schema"
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in b:
                out.append(f"{where}: {key!r} is gone")
            elif key not in a:
                out.append(f"{where}: {key!r} is new")
            else:
                _diff(a[key], b[key], [*path, str(key)], out)
    elif a != b:
        out.append(f"{where}: {a!r} -> {b!r}")


def _type_name(type_: sa.types.TypeEngine[Any], dialect: sa.Dialect) -> str:
    try:
        return type_.compile(dialect=dialect)
    except sa.exc.CompileError:
        return repr(type_)


def _normalise_default(default: str | None) -> str | None:
    return None if default is None else _squash(str(default))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _constraint(reflected: Any, columns_key: str) -> dict[str, Any]:
    return {"name": reflected.get("name"), "columns": list(reflected.get(columns_key) or [])}


def _sorted(items: Any) -> list[dict[str, Any]]:
    return sorted(items, key=repr)
