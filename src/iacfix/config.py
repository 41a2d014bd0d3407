"""Settings from `[tool.iacfix]` in pyproject.toml or from `.iacfix.toml`, nearest first."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    pass


# Keys added by issue 22 (integrations), with the shape their readers expect, for the table of
# known config keys when it lands (engine.selection reads and checks them).
INTEGRATION_KEYS: dict[str, type] = {
    "per-file-ignores": dict,  # { "glob pattern" = ["CODE", "PREFIX"] }, patterns as in .gitignore
}


def project_config(folder: Path, config_file: Path | None = None) -> tuple[dict[str, Any], Path | None]:
    """The first config found walking up from `folder`: (settings, file it came from); with
    `config_file` (--config), that file's, for every folder.

    A relative folder is made absolute first: the parents of `../x` are `..` and `.`, and `.` is
    not above it.
    """
    if config_file is not None:
        settings = _load(config_file)
        if config_file.name == "pyproject.toml":
            settings = settings.get("tool", {}).get("iacfix", {})
        return settings, config_file
    folder = Path(os.path.abspath(folder))
    for candidate in (folder, *folder.parents):
        dotfile = candidate / ".iacfix.toml"
        if dotfile.is_file():
            return _load(dotfile), dotfile
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            section = _load(pyproject).get("tool", {}).get("iacfix")
            if section is not None:
                return section, pyproject
        if (candidate / ".git").exists():
            break
    return {}, None


# path → (mtime, size, settings): a run asks once per project, and a big tree's projects share
# their config file. Keyed by the file's stamp, so a long-lived process (the bot, the tests) sees
# a file that changed.
_loaded: dict[Path, tuple[int, int, dict[str, Any]]] = {}


def _load(path: Path) -> dict[str, Any]:
    try:
        stat = path.stat()
        cached = _loaded.get(path)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    _loaded[path] = (stat.st_mtime_ns, stat.st_size, settings)
    return settings
