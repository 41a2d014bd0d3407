"""Conventions: what one pipeline asks of its projects, which is no failure anywhere else.

Some rules encode a layout rather than a failure: the corpus's pipeline wants the `provider`
and `terraform` blocks in provider.tf, a partial S3 backend it completes at `terraform init`,
an environment suffix in resource names, outputs its integration tests read, tests of its own
shape and monitoring on a production stack. On a module library or an app laid out otherwise,
the same code is correct. Such a rule names its convention (`Rule.convention`) and runs only on
a project that follows it:

- where the configuration says so: `conventions = ["pipeline"]` under `[tool.iacfix]` or in
  `.iacfix.toml`, or `--conventions pipeline` (`conventions = []` / `--conventions none`: none,
  even where iacfix would recognise one);
- otherwise where iacfix recognises the layout (`detect`): for the pipeline, a task folder
  holding a `metadata.json` that names the task's platform and language, with the stack in
  `lib/`, the project (a module, an app, a markdown answer) being that folder or inside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Convention:
    name: str
    summary: str  # what a project that follows it looks like
    recognised: str  # how iacfix tells, when no configuration names it


PIPELINE = Convention(
    "pipeline",
    "what the pipeline that deploys and tests the corpus's tasks asks of a stack: providers in "
    "provider.tf, a partial S3 backend, an environment suffix in names, stacks that deploy on their own "
    "(no required inputs, no domain), outputs and tests its stages read, tags, cooldowns and monitoring "
    "its reviews ask for",
    "a task folder with a metadata.json naming the task's `platform` and `language`, the stack in lib/",
)

CONVENTIONS: dict[str, Convention] = {c.name: c for c in (PIPELINE,)}

# How far above a project the task folder may be: a module in lib/, an answer in lib/, a test folder.
_TASK_DEPTH = 3


class UnknownConvention(ValueError):
    pass


def named(values: Iterable[str] | str) -> frozenset[str]:
    """The conventions a configuration or `--conventions` names ("none" for none); raises
    UnknownConvention for a name iacfix does not know."""
    if isinstance(values, str):
        values = values.split(",")
    names = {str(v).strip().lower() for v in values if str(v).strip()} - {"none"}
    unknown = sorted(names - CONVENTIONS.keys())
    if unknown:
        raise UnknownConvention(f"no convention named {', '.join(map(repr, unknown))}; known: {', '.join(CONVENTIONS)}")
    return frozenset(names)


def detect(root: Path) -> frozenset[str]:
    """The conventions the layout around a project shows (root: a module's folder, an app's
    folder, or a markdown answer's path)."""
    return frozenset({PIPELINE.name}) if task_folder(root) is not None else frozenset()


def task_folder(root: Path) -> Path | None:
    """The pipeline's task folder the project is in: the nearest folder at most a few levels up
    (not above a `.git`) with a metadata.json naming a platform and a language, and a lib/."""
    start = Path(root)
    if not start.is_dir():
        start = start.parent
    for depth, folder in enumerate((start, *start.parents)):
        if depth > _TASK_DEPTH:
            break
        if _is_task(folder):
            return folder
        if (folder / ".git").exists():
            break
    return None


def _is_task(folder: Path) -> bool:
    metadata = folder / "metadata.json"
    if not metadata.is_file() or not (folder / "lib").is_dir():
        return False
    try:
        data = json.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and all(isinstance(data.get(k), str) and data[k].strip() for k in ("platform", "language"))
