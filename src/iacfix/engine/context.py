"""What a rule sees: one project of the tree, read through the language-neutral view."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from iacfix import tfversion
from iacfix.backends.base import ParsedFile, Setting
from iacfix.config import project_config
from iacfix.engine.projects import Project
from iacfix.engine.selection import Options
from iacfix.engine.workspace import Workspace
from iacfix.model import InputError, Location, Prop, Reference, Resource, Value


class Context:
    """One project of the tree as a rule sees it: its files (parsed as they are now, after the
    fixes of earlier rules), their resources and Terraform settings, the run's options and the
    conventions the project follows."""

    def __init__(
        self,
        workspace: Workspace,
        project: Project,
        options: Options,
        conventions: frozenset[str] = frozenset(),
        suppressions=None,
        errors: list[InputError] | None = None,
    ):
        self.workspace = workspace
        self.project = project
        self.options = options
        self.conventions = conventions
        self._suppressions = suppressions  # engine.suppression.Suppressions of the project's run
        self.errors = errors if errors is not None else []  # the run's errors, which cannot_check adds to
        self._by_type: tuple[list[ParsedFile], dict[str, list[Resource]]] | None = None

    def follows(self, convention: str) -> bool:
        """Whether the project follows a convention (iacfix.conventions): a rule that is right
        everywhere may do more where it holds (fix safely what is a guess elsewhere)."""
        return convention in self.conventions

    def cannot_check(self, at: Location, message: str) -> None:
        """Report that a rule could not look at a file (a tool it needs is missing or failed):
        an error of the run (exit code 2), not a finding, since nothing is known to be wrong
        with the code."""
        error = InputError(at.path, at.line, message)
        if error not in self.errors:
            self.errors.append(error)

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

    def resource_of(self, ref: str, near: Path | None = None) -> Resource | None:
        """The resource other code refers to as `ref` (`Resource.ref`): in a Terraform module any
        file's, in a CDKTF app the variable of the same file (`near`)."""
        for r in self.resources():
            if r.ref == ref and (near is None or r.language == "hcl" or r.path == near):
                return r
        return None

    def referenced(self, path: Path, value: Value) -> Reference | None:
        """What an expression of the file at `path` reads when it is just a resource's
        attribute (`aws_cloudwatch_log_group.app.name`, `logGroup.name`): None otherwise, and
        None in CDKTF when the variable is no resource of the file."""
        read = self.file(path).read_reference(value)
        if read is None:
            return None
        ref, attribute, rtype = read
        resource = self.resource_of(ref, path)
        if resource is None and rtype is None:
            return None
        return Reference(ref, attribute, resource.type if resource else rtype, resource)

    def refs_to(self, resource: Resource) -> list[tuple[Resource, str, Prop]]:
        """The arguments of the project's resources whose value mentions `resource` (its
        address in HCL, its variable in CDKTF), at any depth: (resource, Terraform name of the
        top-level argument, the argument)."""
        if not resource.ref:
            return []
        pattern = re.compile(r"(?<![\w.$])" + re.escape(resource.ref) + r"(?![\w$])")
        out = []
        for r in self.resources():
            if r.language != "hcl" and r.path != resource.path:
                continue  # a CDKTF variable is the file's own
            for name, prop in r.attrs.items():
                if resource.ref in prop.value.text and pattern.search(prop.value.text):
                    out.append((r, name, prop))
        return out

    def forget_parses(self) -> None:
        """Drop what was built from the files' parses (the index of resources by type)."""
        self._by_type = None

    def settings(self) -> list[Setting]:
        return [s for f in self.files() for s in f.settings()]

    def unused_suppressions(self) -> list:
        """The suppression comments of the project that silenced nothing in this run so far
        (engine.suppression.Unused: the comment, why, the edits that remove it); asked by
        IAC100, which runs after every other rule."""
        return self._suppressions.unused() if self._suppressions is not None else []

    @cached_property
    def terraform_version(self) -> tfversion.TargetVersion:
        config, config_path = project_config(self.project.root, self.options.config)
        configured = (str(config["terraform-version"]), config_path.name) if "terraform-version" in config else None
        return tfversion.target_version(self.options.terraform_version, configured, self.project.root, self.settings())
