"""Which Terraform version the code will run on: some fixes depend on it.

First found wins: `--terraform-version`; `terraform-version` in `[tool.iacfix]` / `.iacfix.toml`;
`required_version` in the tree (its lower bound: the code must work on the oldest version it
admits); `.terraform-version` (as tfenv reads it); `terraform version` on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

Version = tuple[int, ...]
_VERSION = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass(frozen=True)
class TargetVersion:
    version: Version | None
    source: str | None  # where it came from, said in messages

    def at_least(self, *wanted: int) -> bool:
        return self.version is not None and self.version >= wanted

    def describe(self) -> str:
        if self.version is None:
            return "the target Terraform version is unknown"
        return f"Terraform {'.'.join(map(str, self.version))} (from {self.source})"


def target_version(explicit: str | None, configured: tuple[str, str] | None, root: Path, settings) -> TargetVersion:
    """The version a project's code targets, the first found in the order the module docstring
    gives. `explicit`: --terraform-version; `configured`: the project configuration's
    `terraform-version` and the name of its file; `settings`: the project's Terraform settings
    (model `Setting`s: `terraform.required_version` is read from them)."""
    if explicit:
        return TargetVersion(parse_version(explicit), "--terraform-version")
    if configured:
        return TargetVersion(parse_version(configured[0]), configured[1])
    for setting in settings:
        if setting.key == "terraform.required_version" and setting.value and setting.value.kind == "string":
            bound = lower_bound(setting.value.value)
            if bound:
                return TargetVersion(bound, f"required_version in {setting.path.name}")
    dotfile = dotfile_version(root)
    if dotfile:
        return TargetVersion(dotfile, ".terraform-version")
    installed = installed_version()
    if installed:
        return TargetVersion(installed, "`terraform version`")
    return TargetVersion(None, None)


def parse_version(text: str) -> Version | None:
    match = _VERSION.fullmatch(text.strip())
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def lower_bound(constraint: str) -> Version | None:
    """The oldest version a constraint like ">= 1.5, < 2.0" or "~> 1.10" admits."""
    bounds = []
    for clause in constraint.split(","):
        match = re.fullmatch(r"\s*(>=|>|~>|=|==)?\s*(v?[\d.]+)\s*", clause)
        if match:
            version = parse_version(match.group(2))
            if version is not None:
                bounds.append(version)
    return max(bounds) if bounds else None


def dotfile_version(folder: Path) -> Version | None:
    for candidate in (folder, *folder.parents):
        dotfile = candidate / ".terraform-version"
        if dotfile.is_file():
            try:
                return parse_version(dotfile.read_text(encoding="utf-8").strip())
            except (OSError, UnicodeDecodeError):
                return None
        if (candidate / ".git").exists():
            return None
    return None


@lru_cache(maxsize=1)
def installed_version() -> Version | None:
    """`terraform version` of the terraform on PATH, asked once per process. CHECKPOINT_DISABLE
    keeps terraform from asking HashiCorp's server whether a newer version is out."""
    binary = shutil.which("terraform")
    if not binary:
        return None
    try:
        env = {**os.environ, "CHECKPOINT_DISABLE": "1"}
        out = subprocess.run([binary, "version", "-json"], capture_output=True, text=True, timeout=10, env=env).stdout
        return parse_version(json.loads(out)["terraform_version"])
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        return None
