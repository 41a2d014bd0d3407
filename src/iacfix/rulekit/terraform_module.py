"""A Terraform module as a whole: what all its .tf files declare, and declaring a variable.

Terraform reads every .tf file of a folder as one configuration, so a rule asking "is
`var.aws_region` declared?" or "which file holds the provider?" looks across all of them:
`Module(ctx)`. A fix that needs a new input variable calls `Module.add_variable`, which puts it
in the module's variables.tf (creating that file when the module has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from iacfix.backends.hcl import Attribute, Block, HclFile
from iacfix.model import Edit, Location
from iacfix.textedit import line_col

VARIABLES_FILE = "variables.tf"

_VAR_REF = re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)")


@dataclass
class Declared:
    file: HclFile
    block: Block


class Module:
    """The .tf files of the project a rule runs on (a folder, or the HCL blocks of one answer).

    A markdown answer is one project, but its blocks may be named into several folders
    (`main.tf`, `modules/vpc/main.tf`), which Terraform reads as separate modules: `near=file`
    keeps only the files of `file`'s folder, the module a declaration for `file` must go in."""

    def __init__(self, ctx, near: HclFile | None = None):
        self.ctx = ctx
        self.files: list[HclFile] = ctx.files("hcl")
        if near is not None:
            folder = self.folder_of(near)
            self.files = [f for f in self.files if self.folder_of(f) == folder]
        self._by_type: dict[str, list[Declared]] | None = None

    def folder_of(self, file: HclFile) -> PurePosixPath:
        """The folder Terraform reads `file` in: on disk its own; in a markdown answer the folder
        its block is named into (`modules/vpc/main.tf`: `modules/vpc`; an unnamed block: the top).
        An answer in lib/ names its files from the repository (`lib/main.tf`) or from itself
        (`provider.tf`, where TF105 puts the provider): both are its own folder."""
        origin = self.ctx.workspace.sources[file.path].origin
        if origin is None:
            return PurePosixPath(Path(file.path).parent.as_posix())
        folder = PurePosixPath(origin.block.name.removeprefix("./")).parent
        own = Path(origin.markdown.path).parent.name
        if folder.parts and folder.parts[0] == own:
            folder = PurePosixPath(*folder.parts[1:]) if len(folder.parts) > 1 else PurePosixPath(".")
        return folder

    def near(self, file: HclFile) -> Module:
        """The module of `file`'s folder (this one when every file shares that folder)."""
        if all(self.folder_of(f) == self.folder_of(file) for f in self.files):
            return self
        return Module(self.ctx, near=file)

    def blocks(self, type_: str) -> list[Declared]:
        return list(self._blocks_by_type().get(type_, ()))

    def _blocks_by_type(self) -> dict[str, list[Declared]]:
        # Indexed once: a rule asks for each variable it meets, and in a big module going
        # through every block each time made the rule quadratic. A Module lives for one check
        # of one rule, while the texts do not change.
        if self._by_type is None:
            self._by_type = {}
            for f in self.files:
                for b in f.blocks:
                    self._by_type.setdefault(b.type, []).append(Declared(f, b))
        return self._by_type

    def variable(self, name: str) -> Declared | None:
        return next((d for d in self._blocks_by_type().get("variable", ()) if d.block.labels == [name]), None)

    def locals(self) -> dict[str, tuple[HclFile, Attribute]]:
        return {a.key: (d.file, a) for d in self.blocks("locals") for a in d.block.attributes}

    @staticmethod
    def variables_read(file: HclFile, span: tuple[int, int]) -> list[str]:
        """The variables the code at `span` of `file` reads (`var.NAME`), each once, in order: a
        reference may sit in any expression (a string's interpolation, a function's argument), so
        the text is searched, its comments left out."""
        found = (m for m in _VAR_REF.finditer(file.text, *span) if not file.in_comment(m.start()))
        return list(dict.fromkeys(m.group(1) for m in found))

    def file_named(self, name: str) -> HclFile | None:
        return next((f for f in self.files if f.path.name == name), None)

    # -- adding a variable -------------------------------------------------------------------------
    def add_variable(
        self, name: str, type_: str, description: str, default: str | None = None, fallback: HclFile | None = None
    ) -> list[Edit]:
        """The edits that declare `variable "name"` (nothing when it is declared already).

        It goes at the end of variables.tf; a module on disk without one gets a new variables.tf
        (Workspace.create_file). The files of a markdown answer cannot gain a file, so there it
        goes at the end of `fallback` (the file the fix is about).
        """
        if fallback is not None and (near := self.near(fallback)) is not self:
            return near.add_variable(name, type_, description, default, fallback)  # the module the file is in
        if self.variable(name) is not None:
            return []
        lines = [("description", self.files[0].literal(description) if self.files else f'"{description}"'), ("type", type_)]
        if default is not None:
            lines.append(("default", default))
        width = max(len(k) for k, _ in lines)
        body = "".join(f"  {k.ljust(width)} = {v}\n" for k, v in lines)
        block = f'variable "{name}" {{\n{body}}}\n'
        return self.append_block(VARIABLES_FILE, block, fallback)

    def append_block(self, file_name: str, block: str, fallback: HclFile | None = None) -> list[Edit]:
        """The edit that appends `block` to the module's `file_name` (variables.tf, outputs.tf,
        locals.tf), a blank line before it; a module on disk without that file gets it created
        (Workspace.create_file); a markdown answer cannot gain a file, so there it goes at the end
        of `fallback`. With `fallback`, the file is that of `fallback`'s folder (Module.near)."""
        if fallback is not None and (near := self.near(fallback)) is not self:
            return near.append_block(file_name, block, fallback)
        target = self.file_named(file_name)
        if target is None:
            target = self._new_file(file_name) or fallback
        if target is None:
            return []
        text = self.ctx.workspace.text[target.path]
        if not text:
            prefix = ""
        elif text.endswith("\n\n"):
            prefix = ""
        else:
            prefix = "\n" if text.endswith("\n") else "\n\n"
        return [Edit(target.path, len(text), len(text), prefix + block)]

    def _new_file(self, file_name: str) -> HclFile | None:
        on_disk = [f for f in self.files if self.ctx.workspace.sources[f.path].origin is None]
        return self.new_file(file_name, beside=on_disk[0]) if on_disk else None

    @property
    def in_answer(self) -> bool:
        """Whether the module is the Terraform blocks of a markdown answer."""
        return any(self.ctx.workspace.sources[f.path].origin is not None for f in self.files)

    def name_line_end(self, file: HclFile) -> int:
        """In a markdown answer, where the first-line comment that names the file's block ends
        (0 on disk or when none does): what must stay when the code below it is removed."""
        from iacfix.markdown import name_line_end

        origin = self.ctx.workspace.sources[file.path].origin
        return name_line_end(file.text) if origin is not None else 0

    def new_file(self, file_name: str, beside: HclFile) -> HclFile:
        """A new, empty file of the module in `beside`'s folder: on disk (Workspace.create_file),
        or in a markdown answer a new block named like `beside`'s folder plus `file_name`
        (Workspace.create_block). Written only once an edit gives it text."""
        ctx = self.ctx
        sibling = ctx.workspace.sources[beside.path]
        if sibling.origin is not None:
            name = str(PurePosixPath(sibling.origin.block.name).parent / file_name).removeprefix("./")
            path = ctx.workspace.create_block(beside.path, name).path
        else:
            path = Path(beside.path).parent / file_name
            display = str(PurePosixPath(sibling.display).parent / file_name)
            ctx.workspace.create_file(path, "hcl", display.removeprefix("./"))
        ctx.project.files.append(path)
        self.files.append(ctx.file(path))
        self._by_type = None
        return ctx.file(path)


def attribute(block: Block, key: str) -> Attribute | None:
    return next((a for a in block.attributes if a.key == key), None)


def resources(module: Module, rtype: str) -> list[Declared]:
    return [d for d in module.blocks("resource") if d.block.labels[:1] == [rtype]]


def location(file: HclFile, item: Attribute | Block) -> Location:
    """Where a finding about an attribute or a block points: its first character."""
    start = item.prop.key_span[0] if isinstance(item, Attribute) else item.span[0]
    return Location(file.path, *line_col(file.text, start))


def pipeline_region(ctx) -> str | None:
    """The region the pipeline deploys to, from an `AWS_REGION` file beside the module (or
    beside the markdown answer it was read from)."""
    root = Path(ctx.project.root)
    for folder in (root, root.parent):
        candidate = folder / "AWS_REGION"
        try:
            value = candidate.read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", value):
            return value
    return None
