"""Load an Alembic project from its folder and refuse, with a clear message, one that cannot run."""

from __future__ import annotations

import importlib.util
import io
import sys
import tomllib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError

from migration_handbook.errors import ProjectError


@dataclass(frozen=True)
class AlembicProject:
    """An Alembic project on disk: its folder, its configuration file and its script directory.

    Use [`AlembicProject.load`][migration_handbook.project.AlembicProject.load] to build one; it
    checks the project before any database is touched.
    """

    root: Path
    """The project folder."""
    config_file: Path
    """`alembic.ini`, or `pyproject.toml` holding a `[tool.alembic]` table."""

    @classmethod
    def load(cls, folder: str | Path) -> AlembicProject:
        """Find the Alembic configuration in `folder` and validate the revision history.

        Raises:
            ProjectError: the folder has no Alembic configuration, a revision file fails to
                import, a `down_revision` points to a revision that does not exist, or the
                history has more than one head. The message names the file and what to do.
        """
        root = Path(folder).resolve()
        if not root.is_dir():
            raise ProjectError(f"{root}: no such folder. Pass the folder that holds alembic.ini.")
        project = cls(root=root, config_file=_find_config_file(root))
        project._validate_history()
        return project

    def config(self, connectable: Any = None, *, output: io.StringIO | None = None) -> Config:
        """A fresh Alembic `Config` for this project.

        Args:
            connectable: a SQLAlchemy `Engine` or `Connection` handed to `env.py` through
                `config.attributes["connection"]`; `None` lets `env.py` build its own.
            output: where Alembic commands print (offline SQL, `history`); default: discarded.
        """
        buffer = output if output is not None else io.StringIO()
        if self.config_file.name == "pyproject.toml":
            cfg = Config(toml_file=self.config_file, output_buffer=buffer, stdout=buffer)
        else:
            cfg = Config(self.config_file, output_buffer=buffer, stdout=buffer)
        if self.config_file.name == "pyproject.toml":
            cfg.set_main_option("here", str(self.root))
        # Leave the caller's logging alone: env.py skips fileConfig when this is False.
        cfg.attributes["configure_logger"] = False
        if connectable is not None:
            cfg.attributes["connection"] = connectable
        return cfg

    def script_directory(self) -> ScriptDirectory:
        """Alembic's view of the project's `versions/` folder."""
        try:
            return ScriptDirectory.from_config(self.config())
        except CommandError as exc:
            raise ProjectError(
                f"{self.config_file}: {exc}. Check `script_location` in that file."
            ) from exc

    def revisions(self) -> list[Script]:
        """Every revision from base to head, in the order `alembic upgrade` applies them."""
        return list(reversed(list(self.script_directory().walk_revisions("base", "heads"))))

    def head(self) -> str:
        """The single head revision (the history is checked to have exactly one)."""
        return self.revisions()[-1].revision

    def _validate_history(self) -> None:
        script = self.script_directory()
        versions = Path(script.versions)
        if not versions.is_dir():
            raise ProjectError(
                f"{versions}: the versions folder does not exist. Create it, or fix "
                f"`script_location` in {self.config_file}."
            )
        parents = _import_each_revision_file(sorted(versions.glob("*.py")))
        known = {rev for rev, _ in parents.values()}
        for path, (_, down_revisions) in parents.items():
            for parent in down_revisions:
                if parent not in known:
                    raise ProjectError(
                        f"{path}: down_revision {parent!r} points to no revision in {versions}. "
                        "Restore the revision file it names, or point down_revision at an "
                        "existing revision."
                    )
        try:
            revisions = {s.revision: s for s in script.walk_revisions("base", "heads")}
            heads = script.get_heads()
        except CommandError as exc:
            raise ProjectError(f"{versions}: {exc}") from exc
        if len(heads) > 1:
            files = ", ".join(Path(revisions[h].path).name for h in sorted(heads))
            raise ProjectError(
                f"{versions}: the history has {len(heads)} heads ({files}). Join them with "
                f'`alembic merge heads -m "merge"` or rebase one revision onto the other.'
            )


def _find_config_file(root: Path) -> Path:
    ini = root / "alembic.ini"
    if ini.is_file():
        return ini
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ProjectError(f"{pyproject}: not valid TOML ({exc}).") from exc
        if "alembic" in data.get("tool", {}):
            return pyproject
    raise ProjectError(
        f"{root}: no Alembic configuration found: expected alembic.ini or a [tool.alembic] table "
        "in pyproject.toml. Run `alembic init migrations` there, or pass the project's folder."
    )


def _import_each_revision_file(files: Sequence[Path]) -> dict[Path, tuple[str, tuple[str, ...]]]:
    """Import every revision file on its own, so a broken one is reported by its path.

    Returns each file's revision id and down revisions.
    """
    found: dict[Path, tuple[str, tuple[str, ...]]] = {}
    for path in files:
        module_name = f"_handbook_revision_check_{uuid.uuid4().hex}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ProjectError(f"{path}: cannot be loaded as a Python module.")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise ProjectError(
                f"{path}: the revision file fails to import: {type(exc).__name__}: {exc}. "
                "Fix the file; Alembic cannot run any command until it imports."
            ) from exc
        finally:
            sys.modules.pop(module_name, None)
        if not hasattr(module, "revision"):
            raise ProjectError(
                f"{path}: not a revision file (it sets no `revision` variable). Alembic reads "
                "`revision` and `down_revision` variables, not the docstring: add them."
            )
        found[path] = (module.revision, _as_tuple(getattr(module, "down_revision", None)))
    return found


def _as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)
