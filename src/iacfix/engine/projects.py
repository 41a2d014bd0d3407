"""The projects of a tree: a CDKTF app (the folder of its cdktf.json) or a Terraform module (a
folder of .tf files), each run on its own (rules see one project at a time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from iacfix.engine.workspace import Workspace
from iacfix.files import SourceFile, cdktf_language, cdktf_root, is_workflow

FLAVOUR_BY_LANGUAGE = {"hcl": "terraform", "typescript": "cdktf-ts", "python": "cdktf-py"}


@dataclass
class Project:
    """A CDKTF app (the folder of its cdktf.json) or a Terraform module (a folder of .tf files)."""

    root: Path
    flavour: str  # "cdktf-ts", "cdktf-py" or "terraform"
    files: list[Path] = field(default_factory=list)


def group_projects(workspace: Workspace) -> list[Project]:
    projects: dict[tuple[Path, str], Project] = {}
    companions = []
    for path, source in workspace.sources.items():
        if source.language in ("json", "yaml"):  # package.json, workflows: placed once projects are known
            companions.append(path)
            continue
        if source.origin is not None:  # the blocks of one answer, one project per language
            root = source.origin.markdown.path
            flavour = FLAVOUR_BY_LANGUAGE[source.language]
        elif source.language == "hcl":
            root, flavour = path.parent, "terraform"
        else:
            root = cdktf_root(path) or path.parent
            flavour = "cdktf-ts" if source.language == "typescript" else "cdktf-py"
        projects.setdefault((root, flavour), Project(root, flavour)).files.append(path)
    for path in companions:
        key = _companion_project(workspace.sources[path], projects)
        if key is not None:
            projects.setdefault(key, Project(*key)).files.append(path)
    return [projects[k] for k in sorted(projects)]


def _companion_project(source: SourceFile, projects: dict[tuple[Path, str], Project]) -> tuple[Path, str] | None:
    """The CDKTF project a package.json or workflow belongs to: for a markdown block, the
    answer's CDKTF code; on disk, the app of the nearest cdktf.json above, else the first app
    below the folder the file serves (a workflow: its repository; a package.json: its folder)."""
    cdktf = [k for k in sorted(projects) if k[1] != "terraform"]
    if source.origin is not None:
        return next((k for k in cdktf if k[0] == source.origin.markdown.path), None)
    root = cdktf_root(source.path)
    if root is None:
        base = source.path.parent.parent.parent if is_workflow(source.path) else source.path.parent
        root = next((k[0] for k in cdktf if base in k[0].parents), None) or _app_below(base)
    if root is None:
        return None
    language = cdktf_language(root) or ("python" if (root / "main.py").exists() else "typescript")
    return root, FLAVOUR_BY_LANGUAGE.get(language, "cdktf-ts")


def _app_below(folder: Path) -> Path | None:
    """A CDKTF app in the folder or one of its subfolders (a workflow named on its own)."""
    if (folder / "cdktf.json").is_file():
        return folder
    return next((p.parent for p in sorted(folder.glob("*/cdktf.json"))), None)
