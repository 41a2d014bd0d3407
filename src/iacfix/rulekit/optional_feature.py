"""Shared by the rules that make a feature needing something the project does not own optional
(ALB101: a certificate, R53101: a domain): where a value comes from, whether the project can
supply it, and the Terraform edits that put a resource behind `count = var.enable_x ? 1 : 0`."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rulekit.terraform_module import Block, Module, attribute
from iacfix.textedit import line_end

_VAR = re.compile(r"^var\.([A-Za-z_][\w-]*)$")
PLACEHOLDER = re.compile(r"example\.(com|org|net)|yourdomain|your-domain|mydomain", re.IGNORECASE)


def variable_of(module: Module, text: str):
    """The `variable` block a `var.NAME` expression reads, or None."""
    match = _VAR.match(text.strip())
    return module.variable(match.group(1)) if match else None


def child_module(module: Module) -> bool:
    """A module under a `modules/` folder: its inputs come from the caller, so a variable
    without default is normal there."""
    return any("modules" in f.path.parts[:-1] for f in module.files)


def without_default(declared) -> bool:
    """A variable the project cannot supply: no default and no value in terraform.tfvars /
    *.auto.tfvars, or an empty / placeholder one (in a root module: a child module gets its
    inputs from its caller)."""
    if "modules" in declared.file.path.parts[:-1]:
        return False
    name = declared.block.labels[0]
    given = tfvars(declared.file.path.parent).get(name)
    if given is not None:
        return not given or PLACEHOLDER.search(given) is not None
    default = attribute(declared.block, "default")
    if default is None:
        return True
    value = default.prop.value
    return value.kind == "string" and (not value.value or PLACEHOLDER.search(value.value) is not None)


def unsupplied(declared) -> bool:
    """A root module's variable with no default at all and no tfvars value: Terraform stops
    and asks for it (an empty default is a deliberate "not set", unlike in without_default)."""
    if "modules" in declared.file.path.parts[:-1]:
        return False
    return attribute(declared.block, "default") is None and declared.block.labels[0] not in tfvars(declared.file.path.parent)


def tfvars(folder) -> dict[str, str]:
    """The `name = value` lines of the folder's terraform.tfvars and *.auto.tfvars (strings
    unquoted; other values as written), which Terraform reads on its own."""
    out: dict[str, str] = {}
    try:
        files = sorted(p for p in folder.iterdir() if p.name == "terraform.tfvars" or p.name.endswith(".auto.tfvars"))
    except OSError:
        return out
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in re.finditer(r'^\s*([A-Za-z_][\w-]*)\s*=\s*(?:"([^"\n]*)"|(\S[^\n#]*))', text, re.MULTILINE):
            out[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3).strip()
    return out


def unowned_domain(module: Module | None, value) -> bool:
    """A domain name the project does not own: an example.com placeholder, or a variable
    without a usable default."""
    if value is None:
        return False
    if value.kind in ("string", "template") and PLACEHOLDER.search(value.text):
        return True
    if module is not None:
        declared = variable_of(module, value.text)
        return declared is not None and without_default(declared)
    return False


def referenced(module: Module, ref: str, besides: tuple[int, int] | None = None) -> bool:
    """Whether an expression of any .tf file refers to `aws_x.name` (outside the block at
    `besides`; a comment is no reference): a resource that gains a count is then
    `aws_x.name[0]` there, which a scaffold does not rewrite."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(ref)}(?![\w-])")
    for file in module.files:
        if ref not in file.text:  # most files: a substring search spares the walk
            continue
        for block in file.blocks:
            if besides and file.path == besides[0] and block.span == besides[1]:
                continue
            if any(ref in a.prop.value.text and pattern.search(a.prop.value.text) for a in _attributes(block)):
                return True
    return False


def _attributes(block):
    """Every attribute of a block and of the blocks inside it."""
    for item in block.items:
        if isinstance(item, Block):
            yield from _attributes(item)
        else:
            yield item


def add_count(file, block, condition: str) -> list[Edit]:
    """`count = <condition> ? 1 : 0` as the first line of a block, set off by a blank line."""
    at = line_end(file.text, block.body_span[0]) + 1
    indent = " " * (block.col + 1)
    return [Edit(file.path, at, at, f"{indent}count = {condition} ? 1 : 0\n\n")]


def bool_flag(module: Module, name: str, description: str, beside=None, fallback=None) -> list[Edit]:
    """Declare `variable "name"` (bool, default false) unless the module has it."""
    return declare(module, [(name, "bool", description, "false")], beside, fallback)


def declare(module: Module, specs: list[tuple[str, str, str, str]], beside=None, fallback=None) -> list[Edit]:
    """Declare the variables (name, type, description, default) the module lacks, in one edit:
    at the end of variables.tf when the module has one (or has no `beside`), else after the
    variable `beside` (where the module keeps its inputs). With `fallback`, they go in the module
    of its folder (Module.near: a markdown answer's blocks may be several modules)."""
    if fallback is not None:
        module = module.near(fallback)
        if beside is not None and module.folder_of(beside.file) != module.folder_of(fallback):
            beside = None
    specs = [s for s in specs if module.variable(s[0]) is None]
    if not specs:
        return []
    if module.file_named("variables.tf") is not None or beside is None:
        edits = [e for s in specs for e in module.add_variable(*s, fallback=fallback)]
        if not edits:
            return []
        first = edits[0]  # each appends at the same end of the same file: join them
        joined = first.text + "".join("\n" + e.text.lstrip("\n") for e in edits[1:])
        return [Edit(first.path, first.start, first.end, joined)]
    file = beside.file
    text = "".join(
        f'\n\nvariable "{name}" {{\n  description = {file.literal(description)}\n'
        f"  type        = {type_}\n  default     = {default}\n}}"
        for name, type_, description, default in specs
    )
    return [Edit(file.path, beside.block.span[1], beside.block.span[1], text)]
