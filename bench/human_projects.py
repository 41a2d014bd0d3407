#!/usr/bin/env python3
"""Extract the human-written projects of bench/human_projects.toml into bench/.cache/human/.

    .venv/bin/python bench/human_projects.py [--only NAME,NAME] [--mirror DIR] [--force]

Each project is the subtree `root` of `repo` at `commit`, less `exclude`, taken with `git archive`
from a fetched mirror (a bare git directory, `<mirror>/<owner>+<name>/repo`; the default mirror
folder is $IACFIX_MIRROR, else /work/.mirror) and unpacked into bench/.cache/human/<name>/, the
root's content at the top, as a user has the folder they run iacfix in. A project already
extracted from the same commit, root and excludes is left as it is. Each folder is made a git
repository of its own (`git init`), as a clone is. A project whose mirror (or
commit) is absent is skipped and said so: nothing here touches the network.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

BENCH = Path(__file__).resolve().parent
MANIFEST = BENCH / "human_projects.toml"
HUMAN = BENCH / ".cache" / "human"
STAMPS = HUMAN / ".extracted"  # <name>.json: what each folder was extracted from
DEFAULT_MIRROR = Path(os.environ.get("IACFIX_MIRROR") or "/work/.mirror")
_MISSING_BLOB = re.compile(r"invalid object [0-9a-f]+ [0-9a-f]+ for '([^']+)'")


@dataclass(frozen=True)
class HumanProject:
    name: str
    repo: str  # owner/name on GitHub
    commit: str
    group: str
    root: str = "."
    exclude: tuple[str, ...] = ()
    pins: str = ""
    why: str = ""

    @property
    def folder(self) -> Path:
        return HUMAN / self.name

    def mirror(self, mirror_root: Path) -> Path:
        return mirror_root / self.repo.replace("/", "+") / "repo"

    def stamp(self) -> dict:
        return {"repo": self.repo, "commit": self.commit, "root": self.root, "exclude": list(self.exclude)}


@dataclass
class Extraction:
    extracted: list[HumanProject] = field(default_factory=list)  # now, or earlier from the same source
    skipped: list[tuple[HumanProject, str]] = field(default_factory=list)  # (project, why)


def load_manifest(path: Path = MANIFEST) -> list[HumanProject]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    projects = []
    for entry in data.get("project", []):
        entry = dict(entry)
        entry["exclude"] = tuple(entry.get("exclude", ()))
        projects.append(HumanProject(**entry))
    names = [p.name for p in projects]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"{path}: project names used twice: {', '.join(duplicates)}")
    return projects


def is_current(project: HumanProject) -> bool:
    stamp = STAMPS / f"{project.name}.json"
    try:
        return project.folder.is_dir() and json.loads(stamp.read_text()) == project.stamp()
    except (OSError, ValueError):
        return False


def extract(project: HumanProject, mirror_root: Path = DEFAULT_MIRROR, force: bool = False) -> str | None:
    """Unpack the project into its folder; None when done, else why it was skipped."""
    if is_current(project) and not force:
        return None
    git_dir = project.mirror(mirror_root)
    if not git_dir.is_dir():
        return f"no mirror at {git_dir} (fetch github:{project.repo} first)"
    tree = f"{project.commit}:{'' if project.root in ('.', '') else project.root}"
    absent: list[str] = []  # files the snapshot lacks (4 MiB and more, LFS): left out
    while True:
        pathspec = ["--", "."] + [f":(exclude){e}" for e in (*project.exclude, *absent)]
        archive = subprocess.run(
            ["git", f"--git-dir={git_dir}", "archive", "--format=tar", tree, *pathspec], capture_output=True
        )
        error = archive.stderr.decode(errors="replace").strip()
        missing = _MISSING_BLOB.search(error)
        if archive.returncode == 0 or missing is None or len(absent) >= 50:
            break
        path = missing.group(1)
        # git archive sometimes reads a folder's blobs though one of them is excluded: then the
        # whole folder is left out (in practice a folder of data files, not of code)
        absent.append(path if path not in absent else str(Path(path).parent))
    if archive.returncode != 0:
        return f"git archive {tree} failed in {git_dir}: {error}"
    if absent:
        print(f"{project.name}: left out, absent from the mirror: {', '.join(absent)}", file=sys.stderr)
    if project.folder.exists():
        shutil.rmtree(project.folder)
    project.folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(project.folder, filter="data")
    # A repository of its own, as the user's clone is: iacfix reads the .gitignore files up to the
    # nearest .git, and this folder lies in iacfix's own repository, whose .gitignore ignores it.
    subprocess.run(["git", "init", "-q", str(project.folder)], check=True)
    STAMPS.mkdir(parents=True, exist_ok=True)
    (STAMPS / f"{project.name}.json").write_text(json.dumps(project.stamp()))
    return None


def extract_all(projects: list[HumanProject], mirror_root: Path = DEFAULT_MIRROR, force: bool = False) -> Extraction:
    result = Extraction()
    for project in projects:
        why = extract(project, mirror_root, force)
        if why is None:
            result.extracted.append(project)
        else:
            result.skipped.append((project, why))
    return result


def select(projects: list[HumanProject], only: str | None) -> list[HumanProject]:
    if not only:
        return projects
    wanted = {n.strip() for n in only.split(",") if n.strip()}
    unknown = wanted - {p.name for p in projects} - {p.group for p in projects}
    if unknown:
        raise SystemExit(f"unknown project or group: {', '.join(sorted(unknown))}")
    return [p for p in projects if p.name in wanted or p.group in wanted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated project names or groups")
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="folder of the fetched mirrors")
    parser.add_argument("--force", action="store_true", help="extract again even when up to date")
    args = parser.parse_args(argv)
    result = extract_all(select(load_manifest(), args.only), args.mirror, args.force)
    for project, why in result.skipped:
        print(f"skipped {project.name}: {why}", file=sys.stderr)
    print(f"{len(result.extracted)} projects in {HUMAN}, {len(result.skipped)} skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
