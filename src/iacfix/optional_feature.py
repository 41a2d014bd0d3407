"""Shared by the rules that make a feature needing something the project does not own optional
(ALB101: a certificate, R53101: a domain): where a value comes from, whether the project can
supply it, and the Terraform edits that put a resource behind `count = var.enable_x ? 1 : 0`."""

from __future__ import annotations

import re

from iacfix.backends.hcl_module import Module, attribute
from iacfix.model import Edit
from iacfix.textedit import line_end

_VAR = re.compile(r"^var\.([A-Za-z_][\w-]*)$")
PLACEHOLDER = re.compile(r"example\.(com|org|net)|yourdomain|your-domain|mydomain", re.I)


def variable_of(module: Module, text: str):
    """The `variable` block a `var.NAME` expression reads, or None."""
    match = _VAR.match(text.strip())
    return module.variable(match.group(1)) if match else None


def without_default(declared) -> bool:
    """A variable the project cannot supply: no default, or an empty / placeholder one."""
    default = attribute(declared.block, "default")
    if default is None:
        return True
    value = default.prop.value
    return value.kind == "string" and (not value.value or PLACEHOLDER.search(value.value) is not None)


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
    """Whether any .tf file refers to `aws_x.name` (outside the block at `besides`): a
    resource that gains a count is then `aws_x.name[0]` there, which a scaffold does not rewrite."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(ref)}(?![\w-])")
    for file in module.files:
        for match in pattern.finditer(file.text):
            if besides and file.path == besides[0] and besides[1][0] <= match.start() < besides[1][1]:
                continue
            return True
    return False


def add_count(file, block, condition: str) -> list[Edit]:
    """`count = <condition> ? 1 : 0` as the first line of a block, set off by a blank line."""
    at = line_end(file.text, block.body_span[0]) + 1
    indent = " " * (block.col + 1)
    return [Edit(file.path, at, at, f"{indent}count = {condition} ? 1 : 0\n\n")]


def bool_flag(module: Module, name: str, description: str, beside=None, fallback=None) -> list[Edit]:
    """Declare `variable "name"` (bool, default false) unless the module has it: in variables.tf
    when the module has one, else after the variable `beside` (where the module keeps its inputs)."""
    if module.variable(name) is not None:
        return []
    if module.file_named("variables.tf") is not None or beside is None:
        return module.add_variable(name, "bool", description, "false", fallback=fallback)
    file = beside.file
    text = (f'\n\nvariable "{name}" {{\n  description = {file.literal(description)}\n'
            f"  type        = bool\n  default     = false\n}}")
    return [Edit(file.path, beside.block.span[1], beside.block.span[1], text)]
