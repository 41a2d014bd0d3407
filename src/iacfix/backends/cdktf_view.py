"""The CDKTF view as typed records: what a CDKTF backend extracts from one source file.

The TypeScript worker and the Python view builders answer in JSON-shaped dicts (that is what
crosses the process boundary and what the parse cache keeps); `View.from_json` turns one into
these records once per parse (read-only by convention), so rules read `cons.callee` and `imp.names`, not keys.
docs/cdktf-view.md documents every field. Spans are [start, end) offsets into the file's text
(code points), lines and columns 1-based. Expressions are the model's `Value`s: an argument or a
config is read by the same code whatever the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from iacfix.model import Span, Value


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class ImportedName:
    """One specifier of a named import: `Foo`, `Foo as Bar` (TS), `foo as bar` (Python)."""

    name: str  # as the module exports it
    local: str  # the binding in this file (the alias, or the name)
    span: Span  # the specifier


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class Import:
    module: str  # 'constructs', '@cdktf/provider-aws/lib/vpc', 'cdktf_cdktf_provider_aws.vpc'
    span: Span  # the whole statement, without its newline
    line: int
    names: tuple[ImportedName, ...]  # named imports; none for a namespace import
    namespace: str | None  # `import * as aws from 'm'` → "aws"; Python `import m` → "m"
    default: str | None  # TS `import x from 'm'` → "x"
    star: bool  # Python `from m import *`


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class BaseClass:
    text: str  # the base expression as written: 'TerraformStack', 'cdktf.TerraformStack'
    span: Span


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class ClassProperty:
    """TypeScript only: an instance property declared with a type and no initializer, `?` or `!`
    (what strictPropertyInitialization checks)."""

    name: str
    span: Span  # the name
    statement: Span  # the whole declaration
    declared_type: str  # the type's text
    definitely_assigned: bool  # the constructor assigns it on every path
    assigned: bool  # some member of the class assigns it
    assigned_outside_constructor: bool  # a member other than the constructor does
    readonly: Span | None  # the `readonly` modifier, None without one


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class Parameter:
    name: str  # as written (a destructuring pattern's text too)
    span: Span  # the whole parameter: modifiers, name, type, default
    declared_type: str | None  # the type's text
    modifiers: tuple[str, ...]  # a constructor's parameter property: ("private", "readonly")
    optional: bool  # `?` or a default value
    rest: bool  # `...rest`


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class ClassMember:
    """TypeScript only: a property, method, accessor or the constructor, as declared."""

    kind: str  # "property" | "method" | "constructor" | "getter" | "setter"
    name: str  # as written ("#x" for a private name); "constructor"
    span: Span  # the whole member, decorators included
    modifiers: tuple[str, ...]  # as written, in order: ("private", "readonly"), ("static",), ("protected", "async")
    parameters: tuple[Parameter, ...]  # a function member's
    body: Span | None  # a function member's block


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class ClassDeclaration:
    name: str
    span: Span
    line: int
    col: int
    bases: tuple[BaseClass, ...]  # TS: the `extends` expression; Python: each positional base
    properties: tuple[ClassProperty, ...]
    members: tuple[ClassMember, ...]  # TS only (empty in Python)


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class Construction:
    """`new X(...)` (TS), a call whose callee's last dotted name is capitalised (Python)."""

    callee: str  # 'EcsService', 'aws.ecsService.EcsService'
    callee_span: Span
    assigned_to: str | None  # `const svc = new ...` → "svc", `this.svc = ...` → "this.svc"
    enclosing_class: str | None  # innermost class whose body holds it
    enclosing_function: str | None  # innermost function ("constructor", "__init__")
    span: Span
    line: int
    col: int
    # The backend's record, whose arguments and config become Values when first read: most
    # constructions are passed over by their callee, and a config is most of a view.
    json: dict[str, Any] = field(repr=False)
    _args: tuple[Value, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _config: Value | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def args(self) -> tuple[Value, ...]:
        """The positional arguments."""
        args = self._args
        if args is None:
            config = self.config if self.json.get("config") is not None else None
            args = tuple(config if config is not None and _same_span(a, config.span) else Value.from_view(a) for a in self.json["args"])
            object.__setattr__(self, "_args", args)  # a cache, not a change: frozen to its readers
        return args

    @property
    def arg_count(self) -> int:
        """len(args), without building them."""
        return len(self.json["args"])

    @property
    def config(self) -> Value | None:
        """TS: the third argument when it is an object literal (the same Value). Python: an
        object Value of the keyword arguments, spanning from after "(" to before ")". None
        without one."""
        config = self._config
        if config is None:
            raw = self.json.get("config")
            if raw is None:
                return None
            config = Value.from_view(raw)
            object.__setattr__(self, "_config", config)
        return config


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class Call:
    """A call that is a whole expression statement: `this.addOverride(...)`, `subnets.push(x)`."""

    callee: str
    statement_span: Span  # including a trailing ';' in TS
    span: Span
    line: int
    col: int
    enclosing_class: str | None
    json: dict[str, Any] = field(repr=False)  # the backend's record (its arguments: `args`)
    _args: tuple[Value, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def args(self) -> tuple[Value, ...]:
        """The arguments, as Values when first read (a call is mostly passed over by its callee)."""
        args = self._args
        if args is None:
            args = tuple(map(Value.from_view, self.json["args"]))
            object.__setattr__(self, "_args", args)
        return args


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class Segment:
    """What is applied to a chain next. Its span runs from the end of what comes before it."""

    kind: str  # "index" `[0]`, "call" `(0)`, "prop" `.oidc`, "non-null" TS `!`
    span: Span
    index: str | None = None  # "index": the index's source
    args: tuple[str, ...] = ()  # "call": each argument's source
    name: str | None = None  # "prop": the member's name


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class Chain:
    """A maximal `a.b.c` whose head is an imported name or a construction's variable."""

    text: str
    span: Span
    line: int
    col: int
    in_type: bool  # TS: written in a type (`aws.vpc.Subnet[]`)
    after: tuple[Segment, ...]  # outermost last


@dataclass(slots=True)  # not frozen: a frozen record costs five times as much to build; read-only by convention
class Binding:
    """TypeScript only: a declaration and the identifiers that may read it."""

    kind: str  # "import" | "variable" | "element" | "parameter"
    name: str
    span: Span  # the declared name
    # the same name inside the declaration's scope, except where an inner scope declares it again
    # and reads it as a value: a superset of the reads, so none = never read
    refs: tuple[Span, ...]
    statement: Span | None  # import / variable / element: the whole statement
    initializer: Span | None  # variable / element
    pure_initializer: bool  # evaluating the initializer does nothing but produce its value
    # element (a name of `const { a, b } = x` / `const [a, b] = x`) only:
    pattern: Span | None
    array_pattern: bool
    pattern_elements: tuple[Span | None, ...]  # None: an array hole
    element_index: int  # this name's place in pattern_elements
    rest: bool  # `...name`


class View:
    """The records of one file. Each kind is built from the JSON when first read (a rule that
    reads constructions does not pay for the chains and bindings), then kept. Read-only."""

    __slots__ = ("_json", "_built")

    def __init__(self, data: dict[str, Any]):
        self._json = data
        self._built: dict[str, Any] = {}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> View:
        """The view of a backend's answer (docs/cdktf-view.md, "The JSON the backends answer")."""
        return cls(data)

    def _records(self, kind: str, convert) -> tuple | None:
        records = self._built.get(kind)
        if records is None and kind not in self._built:
            raw = self._json.get(kind)
            records = self._built[kind] = tuple(map(convert, raw)) if raw is not None else None
        return records

    @property
    def imports(self) -> tuple[Import, ...]:
        return self._records("imports", _import)

    @property
    def classes(self) -> tuple[ClassDeclaration, ...]:
        return self._records("classes", _class)

    @property
    def constructions(self) -> tuple[Construction, ...]:
        return self._records("constructions", _construction)

    @property
    def calls(self) -> tuple[Call, ...]:
        return self._records("calls", _call)

    @property
    def identifier_counts(self) -> Mapping[str, int]:
        """References to each identifier, not counting the import specifiers nor `NAME` in `a.NAME`."""
        return self._json["identifier_counts"]

    @property
    def chains(self) -> tuple[Chain, ...] | None:
        """TS always; Python when `ast` read it (None when libcst did)."""
        return self._records("chains", _chain)

    @property
    def bindings(self) -> tuple[Binding, ...] | None:
        """TS only (None in Python)."""
        return self._records("bindings", _binding)

    _KINDS = ("imports", "classes", "constructions", "calls", "identifier_counts", "chains", "bindings")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, View):
            return NotImplemented
        return all(getattr(self, kind) == getattr(other, kind) for kind in self._KINDS)

    __hash__ = None  # type: ignore[assignment]


# -- from the JSON (positional: this runs for every record of every parse) -----------------------


def _same_span(raw_value: dict[str, Any], span: Span) -> bool:
    """A TypeScript config is also one of the arguments (the JSON repeats it): one Value."""
    return raw_value["kind"] == "object" and raw_value["span"][0] == span[0] and raw_value["span"][1] == span[1]


def _optional_span(raw: list[int] | None) -> Span | None:
    return tuple(raw) if raw is not None else None


def _import(raw: dict[str, Any]) -> Import:
    names = tuple(ImportedName(n["name"], n["local"], tuple(n["span"])) for n in raw["names"])
    get = raw.get
    return Import(raw["module"], tuple(raw["span"]), raw["line"], names, get("namespace") or None, get("default"), bool(get("star")))


def _class(raw: dict[str, Any]) -> ClassDeclaration:
    bases = tuple(BaseClass(b["name"], tuple(b["span"])) for b in raw["bases"])
    properties = tuple(
        ClassProperty(
            p["name"], tuple(p["span"]), tuple(p["statement"]), p["type"], p["definite"], p["assigned"],
            p["elsewhere"], _optional_span(p.get("readonly")),
        )
        for p in raw.get("properties", ())
    )
    members = tuple(
        ClassMember(
            m["kind"], m["name"], tuple(m["span"]), tuple(m["modifiers"]),
            tuple(
                Parameter(p["name"], tuple(p["span"]), p["type"], tuple(p["modifiers"]), p["optional"], p["rest"])
                for p in m.get("parameters", ())
            ),
            _optional_span(m["body"]),
        )
        for m in raw.get("members", ())
    )
    return ClassDeclaration(raw["name"], tuple(raw["span"]), raw["line"], raw["col"], bases, properties, members)


def _construction(raw: dict[str, Any]) -> Construction:
    return Construction(
        raw["callee"], tuple(raw["callee_span"]), raw.get("var"), raw.get("enclosing_class"),
        raw.get("enclosing_function"), tuple(raw["span"]), raw["line"], raw["col"], raw,
    )


def _call(raw: dict[str, Any]) -> Call:
    return Call(
        raw["callee"], tuple(raw["statement_span"]), tuple(raw["span"]), raw["line"], raw["col"], raw.get("enclosing_class"), raw,
    )


def _segment(raw: dict[str, Any]) -> Segment:
    return Segment(raw["kind"], tuple(raw["span"]), raw.get("text"), tuple(raw.get("args", ())), raw.get("name"))


def _chain(raw: dict[str, Any]) -> Chain:
    after = raw.get("after")
    return Chain(
        raw["text"], tuple(raw["span"]), raw["line"], raw["col"], bool(raw.get("type")),
        tuple(map(_segment, after)) if after else (),
    )


def _binding(raw: dict[str, Any]) -> Binding:
    get = raw.get
    elements = get("elements")
    return Binding(
        raw["kind"], raw["name"], tuple(raw["span"]), tuple(map(tuple, raw["refs"])), _optional_span(get("statement")),
        _optional_span(get("init")), bool(get("pure")), _optional_span(get("pattern")), bool(get("array")),
        tuple(map(_optional_span, elements)) if elements else (), get("index", -1), bool(get("rest")),
    )
