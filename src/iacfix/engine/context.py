"""What a rule sees: one project of the tree, read through the language-neutral view."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from iacfix import tfversion
from iacfix.backends.base import ParsedFile, Setting
from iacfix.engine.projects import Project
from iacfix.engine.selection import Options
from iacfix.engine.workspace import Workspace
from iacfix.model import Resource


class Context:
    """One project of the tree as a rule sees it: its files (parsed as they are now, after the
    fixes of earlier rules), their resources and Terraform settings, the run's options and the
    conventions the project follows."""

    def __init__(self, workspace: Workspace, project: Project, options: Options, conventions: frozenset[str] = frozenset()):
        self.workspace = workspace
        self.project = project
        self.options = options
        self.conventions = conventions
        self._by_type: tuple[list[ParsedFile], dict[str, list[Resource]]] | None = None

    def follows(self, convention: str) -> bool:
        """Whether the project follows a convention (iacfix.conventions): a rule that is right
        everywhere may do more where it holds (fix safely what is a guess elsewhere)."""
        return convention in self.conventions

    def files(self, *languages: str) -> list[ParsedFile]:
        return [
            self.workspace.parsed(p)
            for p in self.project.files
            if not languages or self.workspace.sources[p].language in languages
        ]

    def file(self, path: Path) -> ParsedFile:
        return self.workspace.parsed(path)

    def original_text(self, path: Path) -> str:
        """The file's text before this run's fixes ("" for a file a fix creates)."""
        return self.workspace.sources[path].text

    def resources(self, *types: str) -> list[Resource]:
        files = self.files()
        if len(types) == 1:  # a rule looking one type up per finding: from an index, not every file
            return list(self._resources_by_type(files).get(types[0], ()))
        return [r for f in files for r in f.resources() if not types or r.type in types]

    def _resources_by_type(self, files: list[ParsedFile]) -> dict[str, list[Resource]]:
        """Every resource of the project by type, in file order: built again only when a file's
        parse is not the one it was built from (a fix between two passes of the rule)."""
        cached = self._by_type
        if cached is None or len(cached[0]) != len(files) or any(a is not b for a, b in zip(cached[0], files)):
            by_type: dict[str, list[Resource]] = {}
            for f in files:
                for r in f.resources():
                    by_type.setdefault(r.type, []).append(r)
            cached = self._by_type = (files, by_type)
        return cached[1]

    def settings(self) -> list[Setting]:
        return [s for f in self.files() for s in f.settings()]

    @cached_property
    def terraform_version(self) -> tfversion.TargetVersion:
        return tfversion.target_version(self.options.terraform_version, self.project.root, self.settings())
