"""The language-neutral data every rule works on: values, attributes, resources, edits, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Span = tuple[int, int]  # [start, end) character offsets into a file's normalised text


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] of one file with `text`."""

    path: Path
    start: int
    end: int
    text: str


class _NoItems(list):
    """The props or items of a parsed value that has none, one list shared by all of them (two
    empty lists per leaf value were a seventh of a parse's memory). Read like any empty list;
    changing it raises: such a value is given a list of its own first."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("this value's props or items are the shared empty list: assign it a list of its own")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self):
        return _no_items, ()  # read back (a parse from the cache, a pool's result) as the shared one


def _no_items() -> _NoItems:
    return NO_ITEMS


NO_ITEMS = _NoItems()


@dataclass(slots=True)
class Value:
    """An expression as written in the source, with what is known of it.

    kind is one of string, number, bool, null, object, array, template, expr.
    """

    kind: str
    text: str
    span: Span
    line: int
    col: int
    value: Any = None
    props: list[Prop] = field(default_factory=list)
    items: list[Value] = field(default_factory=list)
    type: str | None = None  # a static type when the backend knows it ("boolean", "string", ...)
    # How an object's entries are written, for the edits that add one (ParsedFile.insert_entry):
    # "block" an HCL block body; "call" Python keyword arguments (a resource's config, a struct
    # class); "dict" a Python dict jsii converts (keys: Python names); "raw-dict" a Python dict
    # jsii passes as it is (inside a list: keys camelCase); None: an HCL object or a TypeScript
    # object literal. Set on the values of a Resource; None on other values.
    syntax: str | None = None
    callee: str | None = None  # "call": the struct class built (`S3BucketLifecycleConfigurationRule`)

    @classmethod
    def from_view(cls, data: dict[str, Any]) -> Value:
        # positional, and no list built for a leaf: this runs for every value of every config
        get = data.get
        props, items = get("props"), get("items")
        return cls(
            data["kind"],
            data["text"],
            tuple(data["span"]),
            get("line", 0),
            get("col", 0),
            get("value"),
            [Prop.from_view(p) for p in props] if props else NO_ITEMS,
            [cls.from_view(i) for i in items] if items else NO_ITEMS,
            get("type"),
        )

    def prop(self, key: str) -> Prop | None:
        return next((p for p in self.props if p.key == key), None)

    def objects(self) -> list[Value]:
        """The objects this value holds: itself when it is one, else the objects among its
        items (a nested block written once, or as a list of blocks)."""
        if self.kind == "object":
            return [self]
        return [i for i in self.items if i.kind == "object"]


@dataclass(slots=True)
class Prop:
    """One `key: value` of an object, keyword argument, or HCL attribute."""

    key: str
    key_span: Span
    value: Value
    span: Span
    block: bool = False  # an HCL nested block (`rule { ... }`), not an attribute (`rule = ...`)

    @classmethod
    def from_view(cls, data: dict[str, Any]) -> Prop:
        return cls(data["key"], tuple(data["key_span"]), Value.from_view(data["value"]), tuple(data["span"]))


@dataclass(slots=True)
class Resource:
    """A provider resource however it is written: an HCL `resource` block or a CDKTF construct.

    `attrs` is keyed by the Terraform attribute name (snake_case) whatever the source language
    spells; `ref` is how other code of the same language refers to it (HCL `aws_ecs_service.app`,
    TS/Python the variable the construct is assigned to), None when nothing can refer to it.
    """

    path: Path
    language: str
    type: str
    name: str | None
    ref: str | None
    attrs: dict[str, Prop]
    body: Value  # the object / kwargs / block body the attributes live in (insertion point)
    line: int
    col: int
    label: str | None = None  # the name as written: an HCL label, a CDKTF construct id's text (a template too)

    def attr_value(self, name: str) -> Value | None:
        prop = self.attrs.get(name)
        return prop.value if prop else None

    def blocks(self, name: str) -> list[Value]:
        """The nested blocks `name` of the resource (`rule` of a lifecycle configuration) as
        objects, however they are written: HCL blocks, a list of objects, one object."""
        value = self.attr_value(name)
        return value.objects() if value is not None else []

    @property
    def is_data(self) -> bool:
        """A data source (`type` is `data.aws_vpc`), not a managed resource."""
        return self.type.startswith("data.")

    @property
    def address(self) -> str | None:
        """The Terraform address, `aws_db_instance.main` / `data.aws_vpc.main` (the construct id
        stands for the name in CDKTF), None when the name is not a literal."""
        return f"{self.type}.{self.name}" if self.name else None


@dataclass(frozen=True)
class Reference:
    """An expression that reads one attribute of a resource: `aws_cloudwatch_log_group.app.name`
    (HCL), `logGroup.name` (TypeScript), `self.log_group.name` (Python)."""

    ref: str  # how the code names the resource (Resource.ref)
    attribute: str  # the attribute read, Terraform name
    type: str | None  # the resource's type when known (HCL addresses say it; CDKTF: the resource's)
    resource: Resource | None  # the resource of the project it reads, when it has one


@dataclass(frozen=True)
class Location:
    """A place in a file, for findings about things that are not a Resource or a Setting."""

    path: Path
    line: int
    col: int = 1


@dataclass
class Finding:
    """One problem at one place, with the edits that repair it (none: it needs a human)."""

    code: str
    message: str
    path: Path
    line: int
    col: int = 1
    edits: list[Edit] = field(default_factory=list)
    # The diff of an unsafe fix (a scaffold) left unapplied because --unsafe-fixes was not given.
    preview: str = ""
    # "safe" or "unsafe" when this fix's safety is not its rule's usual one (Rule.finding)
    safety: str | None = None
    # Where what the finding is about ends (the resource's body, the setting), as an offset into
    # the text the rule saw; the run turns it into end_line / end_col. None: a point.
    end_offset: int | None = None
    end_line: int | None = None
    end_col: int | None = None
    # The edits against the files as they were read (what SARIF's fixes and the JSON report
    # give), set when the fix is applied; None when an earlier fix changed the same text.
    original_edits: list[Edit] | None = None

    @property
    def fixable(self) -> bool:
        return bool(self.edits)


@dataclass
class InputError:
    """A file iacfix could not read or parse, or a fix it had to drop: printed as an error.

    A "note" (an unnamed markdown block, say) is printed the same way and is not an error.
    """

    path: Path
    line: int
    message: str
    severity: str = "error"  # "error" (exit code 2) or "note"
