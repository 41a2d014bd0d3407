"""What every backend provides, so the engine and the rules never branch on the language.

A backend parses a file into a `ParsedFile`: it answers the language-neutral questions rules ask
(which resources, which Terraform settings) and renders language-neutral edits (set an
attribute, replace a value, remove a setting) in that file's own syntax and style.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iacfix.model import Edit, Prop, Resource, Span, Value


class SourceSyntaxError(Exception):
    """The file does not parse: reported as `path:line: error ...`, the file is left alone."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


class BackendError(Exception):
    """A backend could not work at all (no Node, the worker died): the file is reported, not parsed."""


@dataclass
class Setting:
    """A Terraform settings value, e.g. `terraform.backend.s3.use_lockfile`, wherever it is set:
    an HCL `terraform {}` block or a CDKTF `addOverride` / `add_override` escape hatch."""

    path: Path
    key: str
    value: Value | None
    span: Span  # the code that sets it (what removing the setting deletes)
    line: int
    col: int


class ParsedFile:
    language: str = ""
    comment_prefixes: tuple[str, ...] = ()
    key_value_separator: str = " = "  # HCL; ": " in TypeScript, "=" for Python keyword arguments

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text
        self._derived: dict[str, Any] = {}

    def derived(self, key: str, build: Callable[[ParsedFile], Any]) -> Any:
        """`build(self)`, computed once: a ParsedFile is one version of a file's text (an edit
        gives a new one), so what is read from it holds as long as it does, and the rules that
        read the same thing (the TEST rules' test cases, the PRV rules' typed keys) share it.
        Callers must not change what they get."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]

    # -- reading the neutral view ------------------------------------------------------------
    def resources(self) -> list[Resource]:
        return []

    def settings(self) -> list[Setting]:
        return []

    # -- references --------------------------------------------------------------------------
    def read_reference(self, value: Value) -> tuple[str, str, str | None] | None:
        """(the `Resource.ref` an expression reads, the attribute's Terraform name, the type when
        the expression says it) when the expression is just that: `aws_cloudwatch_log_group.app.name`,
        `logGroup.name`, `self.log_group.name`; None otherwise (Context.referenced finds the resource)."""
        return None

    def reference(self, ref: str, *path: str | int) -> str:
        """An expression reading an attribute (Terraform name) of the resource this file names
        `ref` (Resource.ref, Reference.ref), and within it: `reference(ref, "master_user_secret",
        0, "secret_arn")` is `ref.master_user_secret[0].secret_arn` in HCL."""
        return ref + "".join(f"[{p}]" if isinstance(p, int) else f".{self.attr_key(p)}" for p in path)

    # -- rendering edits ---------------------------------------------------------------------
    def attr_key(self, name: str) -> str:
        """A property named `name` in Terraform spelling, as this file's language writes it
        (`desired_count` in HCL and Python, `desiredCount` in TypeScript): for edits and for
        the messages that name it."""
        return name

    def attr_entry(self, name: str, value_text: str) -> str:
        """`name` set to `value_text` as this file writes it: `desired_count = 2` (HCL),
        `desiredCount: 2` (TypeScript), `desired_count=2` (a Python keyword argument)."""
        return f"{self.attr_key(name)}{self.key_value_separator}{value_text}"

    def literal(self, value: bool | int | float | str) -> str:
        raise NotImplementedError

    def to_string_expr(self, value: Value) -> str:
        """An expression that turns a non-literal boolean into the strings "true"/"false"."""
        raise NotImplementedError

    # -- edits as operations on the neutral model ---------------------------------------------
    # `container` is an object of the model: a resource's body (Resource.body), a nested block
    # (Resource.blocks(...)), an object value. `name` is always the Terraform name
    # (`skip_final_snapshot`); each backend spells it as the place it goes wants it.

    def entry_key(self, container: Value, name: str) -> str:
        """How `name` is spelled as a key of `container` in this file."""
        return self.attr_key(name)

    def entry(self, container: Value, name: str) -> Prop | None:
        """The entry of `container` that sets `name`, however it is spelled."""
        key = self.entry_key(container, name)
        return next((p for p in container.props if p.key in (key, name)), None)

    def insert_entry(self, container: Value, name: str, value_text: str) -> list[Edit]:
        """Add `name` set to `value_text` (an expression in this file's language)."""
        raise NotImplementedError

    def set_entry(self, container: Value, name: str, value_text: str) -> list[Edit]:
        """`name` set to `value_text`: its value replaced, or the entry added."""
        prop = self.entry(container, name)
        return self.replace_value(prop, value_text) if prop is not None else self.insert_entry(container, name, value_text)

    def insert_block(self, container: Value, name: str, entries: list[tuple[str, str]] = (), as_list: bool = False) -> list[Edit]:
        """Add the nested block `name` holding `entries` ((Terraform name, expression) pairs):
        an HCL block, or an object (in a list when the provider types the block as a list)."""
        raise NotImplementedError

    def rename_entry(self, container: Value, prop: Prop, name: str) -> list[Edit]:
        """The entry `prop` of `container` renamed to `name`, its value kept."""
        raise NotImplementedError

    def remove_entry(self, container: Value, prop: Prop) -> list[Edit]:
        """The entry `prop` of `container` deleted (with its line when it stands alone on it)."""
        return self._remove_prop(prop)

    def replace_entry(self, container: Value, prop: Prop, entries: list[tuple[str, str]]) -> list[Edit]:
        """The entry `prop` of `container` (an attribute, or a nested block written once)
        replaced, where it stands, by `entries` ((Terraform name, expression) pairs)."""
        raise NotImplementedError

    def wrap_in_list(self, value: Value) -> list[Edit]:
        """A single value made the one item of a list: `x` → `[x]` (the same in every language)."""
        return [Edit(self.path, value.span[0], value.span[0], "["), Edit(self.path, value.span[1], value.span[1], "]")]

    def unwrap_list(self, value: Value) -> list[Edit]:
        """A list of one item made that item: `[x]` → `x`."""
        (item,) = value.items
        return [Edit(self.path, value.span[0], value.span[1], item.text)]

    def rewrite_as_block(self, container: Value, prop: Prop) -> list[Edit]:
        """An entry written as an argument holding an object, or a list of objects (HCL `rule =
        { ... }`), written as the nested block(s) it is: `rule { ... }`. [] when it cannot be (a
        key that is no identifier); a language without blocks has nothing to rewrite."""
        return []

    def rewrite_as_attribute(self, container: Value, prop: Prop, as_list: bool) -> list[Edit]:
        """Nested blocks (HCL `tags { ... }`) written as the argument they are: `tags = { ... }`,
        or with `as_list` a list of objects. Blocks nested in them are not rewritten ([] then)."""
        return []

    def unwrap_entry(self, container: Value, prop: Prop) -> list[Edit]:
        """The entry `prop` of `container` (a block written once, or an object) replaced by what it
        holds, as entries of `container`: `wrapper { rule { ... } }` → `rule { ... }`. [] when
        the language cannot say it as written (CDKTF: replace_entry with the entries)."""
        return []

    def rename_resource_type(self, resource: Resource, new_type: str) -> list[Edit]:
        """The resource declared as another type (HCL: its first label), its name kept."""
        return []

    def rename_reference(self, old: str, new: str) -> list[Edit]:
        """Every reference to the resource at address `old` (`aws_rds_instance.main`) made to `new`."""
        return []

    def insert_attr(self, resource: Resource, name: str, value_text: str) -> list[Edit]:
        return self.insert_entry(resource.body, name, value_text)

    def replace_value(self, prop: Prop, value_text: str) -> list[Edit]:
        return [Edit(self.path, prop.value.span[0], prop.value.span[1], value_text)]

    def remove_span(self, span: Span) -> list[Edit]:
        """Delete a statement or attribute, with its line when it stands alone on it."""
        from iacfix.textedit import removal_span

        start, end = removal_span(self.text, *span, comment_prefixes=self.comment_prefixes)
        return [Edit(self.path, start, end, "")]

    def remove_statement(self, span: Span) -> list[Edit]:
        """Delete a statement or block with the comment lines that introduce it, keeping the
        blank lines around it as a formatter would (textedit.statement_removal_span)."""
        from iacfix.textedit import statement_removal_span

        start, end = statement_removal_span(self.text, *span, comment_prefixes=self.comment_prefixes)
        return [Edit(self.path, start, end, "")]

    def remove_setting(self, setting: Setting) -> list[Edit]:
        return self.remove_span(setting.span)

    def remove_attr(self, resource: Resource, name: str) -> list[Edit]:
        """Delete attribute `name` (Terraform spelling) of a resource."""
        return self.remove_attrs(resource, [name])

    def remove_attrs(self, resource: Resource, names: list[str]) -> list[Edit]:
        """Delete several attributes of a resource in one fix (their edits must not collide)."""
        return [edit for name in names for edit in self._remove_prop(resource.attrs[name])]

    def _remove_prop(self, prop: Prop) -> list[Edit]:
        return self.remove_span(prop.span)
