"""Settings from `[tool.iacfix]` in pyproject.toml or from `.iacfix.toml`, nearest first."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    pass


def project_config(folder: Path) -> tuple[dict[str, Any], Path | None]:
    """The first config found walking up from `folder`: (settings, file it came from).

    Not cached: a long-lived process (the bot, tests) must see a config file that changed.
    """
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


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
