"""Which Terraform version the code will run on: some fixes depend on it.

First found wins: `--terraform-version`; `terraform-version` in `[tool.iacfix]` / `.iacfix.toml`;
`required_version` in the tree (its lower bound: the code must work on the oldest version it
admits); `.terraform-version` (as tfenv reads it); `terraform version` on PATH. What the code
declares wins over the machine: a `terraform` on PATH (or a .terraform-version) that the declared
`required_version` does not admit is not the target.
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
    declared = [
        s for s in settings if s.key == "terraform.required_version" and s.value and s.value.kind == "string"
    ]
    for setting in declared:
        bound = lower_bound(setting.value.value)
        if bound:
            return TargetVersion(bound, f"required_version in {setting.path.name}")
    # A declared range without a lower bound ("< 2.0") still rules out what it does not admit.
    dotfile = dotfile_version(root)
    if dotfile and all(admits(s.value.value, dotfile) for s in declared):
        return TargetVersion(dotfile, ".terraform-version")
    installed = installed_version()
    if installed and all(admits(s.value.value, installed) for s in declared):
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


def highest_major(constraint: str) -> int | None:
    """The highest major version a constraint admits ("~> 4.9" → 4, "< 5.0" → 4, "= 3.2.1" → 3),
    None when it admits every later major (">= 4.0", "~> 4" is 4.x and later)."""
    highest = None
    for clause in constraint.split(","):
        match = re.fullmatch(r"\s*(>=|>|~>|=|==|<=|<|!=)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\S*\s*", clause)
        if not match:
            continue
        op, major, minor, patch = match.group(1) or "=", int(match.group(2)), match.group(3), match.group(4)
        if op in ("=", "=="):
            bound = major
        elif op == "~>" and minor is not None:
            bound = major  # ~> 4.9 and ~> 4.9.1 stay within 4
        elif op == "<":
            bound = major - 1 if minor in (None, "0") and patch in (None, "0") else major
        elif op == "<=":
            bound = major
        else:
            continue
        highest = bound if highest is None else min(highest, bound)
    return highest


_CLAUSE = re.compile(r"\s*(>=|<=|~>|!=|>|<|=|==)?\s*v?(\d+(?:\.\d+)*)\s*")


def admits(constraint: str, version: Version) -> bool:
    """Whether a Terraform version constraint (">= 1.5, < 2.0", "~> 5.0", "= 6.25.0") admits
    `version`; a clause it cannot read admits anything. `~> 5.0` is >= 5.0 and < 6, `~> 5.47.0`
    >= 5.47.0 and < 5.48, as Terraform reads them."""
    for clause in constraint.split(","):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            continue
        op, bound = match.group(1) or "=", tuple(int(n) for n in match.group(2).split("."))
        width = max(len(version), len(bound))
        have, want = version + (0,) * (width - len(version)), bound + (0,) * (width - len(bound))
        holds = {
            "=": have == want, "==": have == want, "!=": have != want,
            ">": have > want, ">=": have >= want, "<": have < want, "<=": have <= want,
            "~>": have >= want and have[: len(bound) - 1] == bound[:-1],
        }[op]
        if not holds:
            return False
    return True


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
