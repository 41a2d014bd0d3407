"""What a CDKTF TypeScript project's tsconfig.json makes tsc check beyond types."""

from __future__ import annotations

import json
import re
from pathlib import Path

# The compiler options `cdktf init --template=typescript` writes (and every corpus task keeps):
# what a project without a tsconfig.json of its own, or a markdown answer, is compiled with.
TEMPLATE_OPTIONS = {"noUnusedLocals": True, "noUnusedParameters": True, "strict": True}


def compiler_option(root: Path, path: Path, name: str) -> bool:
    """Whether tsc reports what option `name` (`noUnusedLocals`) checks in the file at `path` of
    the project at `root` (its folder, or the markdown answer read as one): as the nearest
    tsconfig.json above the file says (a Lambda handler's folder often has its own); the CDKTF
    template's value when there is none; False when it extends another file that may set it,
    or cannot be read."""
    return _nearest(root, path).get(name, False) is True


def strict_property_initialization(root: Path, path: Path) -> bool:
    """tsc's check that every property is assigned in the constructor: `strict` turns it on
    unless `strictPropertyInitialization` says otherwise."""
    options = _nearest(root, path)
    return options.get("strictPropertyInitialization", options.get("strict", False)) is True


def _nearest(root: Path, path: Path) -> dict:
    if not root.is_dir():
        return TEMPLATE_OPTIONS
    for folder in [path.parent, *path.parent.parents]:
        if (folder / "tsconfig.json").is_file():
            return _options(folder / "tsconfig.json")
        if folder == root:
            break
    return TEMPLATE_OPTIONS


def _options(path: Path) -> dict:
    try:
        config = json.loads(_strict_json(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}
    options = config.get("compilerOptions") if isinstance(config, dict) else None
    if not isinstance(options, dict):
        return {}
    if "extends" in config:  # what the base sets is not known here: only what this file says
        return {k: v for k, v in options.items() if v is True}
    return options


def _strict_json(text: str) -> str:
    """tsconfig.json as JSON: its comments and trailing commas removed (strings kept)."""
    token = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.S)
    return token.sub(lambda m: m.group() if m.group().startswith('"') else "", text)
