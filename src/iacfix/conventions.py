"""Conventions: what one pipeline requires of the code it deploys, which is not a failure elsewhere.

The corpus's pipeline deploys every task as an ephemeral stack it destroys after its tests, so a
database must be destroyable (skip its final snapshot), resources carry an environment suffix,
provider blocks live in provider.tf. On a human project these are choices, not failures: a rule
that encodes one acts fully only where the project follows the convention, by its configuration
(`conventions = ["pipeline"]` in `[tool.iacfix]` / `.iacfix.toml`) or by its layout: the task
folder the pipeline works in, with a metadata.json naming the platform and language.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PIPELINE = "pipeline"


def follows(root: Path, name: str) -> bool:
    """Whether the project at `root` (a folder, or a markdown answer read as a project) follows
    the convention `name`."""
    from iacfix.config import project_config

    config, _ = project_config(root if root.is_dir() else root.parent)
    if "conventions" in config:
        return name in config["conventions"]
    return name == PIPELINE and _pipeline_task(Path(os.path.abspath(root)))


def _pipeline_task(root: Path) -> bool:
    """The project sits in a pipeline task folder: the folder, or one of the two above it (an
    answer in lib/, an app in lib/), holds a metadata.json with the platform and the language."""
    return any(_task_metadata(folder) for folder in [root, *list(root.parents)[:2]])


def _task_metadata(folder: Path) -> bool:
    try:
        data = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "platform" in data and "language" in data
