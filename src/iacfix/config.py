"""Settings from `[tool.iacfix]` in pyproject.toml or from `.iacfix.toml`, nearest first.

A configuration is checked as strictly as the command line: a key iacfix does not know, a value
of the wrong type, a rule code no rule has or a version that is none is an error naming the file
and the key (exit code 2), never a setting silently read some other way. `KEYS` is the one list
of what a configuration may hold.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    pass


# -- what a value may be: each check returns None for a valid value, else what is wrong ---------


def _codes(value: Any) -> str | None:
    """Rule codes or prefixes: a list of strings, or one string of them separated by commas (as
    on the command line); each must start some rule's code, or be ALL."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        return f"must be a list of rule codes, not {_describe(value)}"
    from iacfix.rules import all_rules  # deferred: only a config that selects loads the registry here

    known = [rule.code for rule in all_rules()]
    for code in (c.strip().upper() for c in value if c.strip()):
        if code != "ALL" and not any(k.startswith(code) for k in known):
            return f"no rule code starts with {code!r}"
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_describe(value)}"


def _version(value: Any) -> str | None:
    from iacfix.tfversion import parse_version

    if isinstance(value, str) and parse_version(value) is not None:
        return None
    return f'must be a Terraform version in quotes, such as "1.9.8", not {_describe(value)}'


def _per_file_ignores(value: Any) -> str | None:
    """{ "glob pattern" = ["CODE", "PREFIX"] } (ruff's shape), patterns as in .gitignore."""
    if not isinstance(value, dict):
        return f"must be a table of file patterns to lists of rule codes, not {_describe(value)}"
    for pattern, codes in value.items():
        problem = _codes(codes)
        if problem is not None:
            return f"[{pattern!r}] {problem}" if problem.startswith("must") else f"[{pattern!r}]: {problem}"
    return None


def _conventions(value: Any) -> str | None:
    """Names of conventions (iacfix.conventions), a list or one string separated by commas."""
    from iacfix import conventions

    if not isinstance(value, list | str) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
        return f"must be a list of convention names, not {_describe(value)}"
    try:
        conventions.named(value)
    except conventions.UnknownConvention as exc:
        return str(exc)
    return None


def _describe(value: Any) -> str:
    kind = {bool: "a boolean", int: "a number", float: "a number", str: "the string", list: "a list", dict: "a table"}
    name = next((v for k, v in kind.items() if type(value) is k), type(value).__name__)
    return f"{name} {value!r}" if isinstance(value, (str, int, float, bool)) else name


@dataclass(frozen=True)
class Key:
    """One key a configuration may hold: what its value is for, and how it is checked."""

    meaning: str
    check: Callable[[Any], str | None]


# Every key of `[tool.iacfix]` / `.iacfix.toml`, with how its value is checked. A new setting is
# a new row here (and what reads it); any other key is an error.
KEYS: dict[str, Key] = {
    "select": Key("the rules to run instead of the default selection", _codes),
    "extend-select": Key("rules added to the selection (opt-in rules)", _codes),
    "ignore": Key("rules never run", _codes),
    "unsafe-fixes": Key("also apply the unsafe fixes (scaffolds)", _boolean),
    "terraform-version": Key("the Terraform version the code targets", _version),
    "per-file-ignores": Key("rules not run on the files a pattern matches", _per_file_ignores),
    "conventions": Key("the conventions the project follows (iacfix.conventions), instead of recognising them", _conventions),
}


def check(settings: Any, source: str) -> dict[str, Any]:
    """The settings when every key is known and every value valid, else ConfigError naming
    `source` (the file, and the table in it) and the key."""
    if not isinstance(settings, dict):
        raise ConfigError(f"{source} must be a table of settings, not {_describe(settings)}")
    for key, value in settings.items():
        if key not in KEYS:
            raise ConfigError(f"{source}: unknown key {key!r} (known keys: {', '.join(sorted(KEYS))})")
        problem = KEYS[key].check(value)
        if problem is not None:
            raise ConfigError(f"{source}: {key} {problem}" if problem.startswith("must") else f"{source}: {key}: {problem}")
    return settings


def project_config(folder: Path, config_file: Path | None = None) -> tuple[dict[str, Any], Path | None]:
    """The first config found walking up from `folder`: (settings, file it came from); with
    `config_file` (--config), that file's, for every folder.

    A relative folder is made absolute first: the parents of `../x` are `..` and `.`, and `.` is
    not above it.
    """
    if config_file is not None:
        table = ("tool", "iacfix") if config_file.name == "pyproject.toml" else None
        return _checked(config_file, table) or {}, config_file
    folder = Path(os.path.abspath(folder))
    for candidate in (folder, *folder.parents):
        dotfile = candidate / ".iacfix.toml"
        if dotfile.is_file():
            return _checked(dotfile, None), dotfile
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            section = _checked(pyproject, ("tool", "iacfix"))
            if section is not None:
                return section, pyproject
        if (candidate / ".git").exists():
            break
    return {}, None


# path → (mtime, size, settings): a run asks once per project, and a big tree's projects share
# their config file. Keyed by the file's stamp, so a long-lived process (the bot, the tests) sees
# a file that changed.
_loaded: dict[tuple[Path, tuple[str, ...] | None], tuple[int, int, dict[str, Any] | None]] = {}


def _checked(path: Path, table: tuple[str, ...] | None) -> dict[str, Any] | None:
    """The settings in `path` (in its `table`; None: the whole file), checked; None when the file
    has no such table."""
    try:
        stat = path.stat()
        cached = _loaded.get((path, table))
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{_shown(path)}: cannot read config: {exc}") from None
    source = _shown(path)
    for name in table or ():
        if not isinstance(settings, dict) or name not in settings:
            settings = None
            break
        settings = settings[name]
    if settings is not None:
        source += f" [{'.'.join(table)}]" if table else ""
        settings = check(settings, source)
    _loaded[(path, table)] = (stat.st_mtime_ns, stat.st_size, settings)
    return settings


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when under it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
