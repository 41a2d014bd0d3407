"""Values inside a serialising call: `jsonencode({...})`, `JSON.stringify({...})`, `json.dumps({...})`.

The backends' view stops at a call (kind "expr"), but IAM policies are written as an object
literal handed to one of these. `serialised_object` parses the argument with the file's own
backend and returns it as a neutral `Value` whose spans are offsets into the file, so a rule can
read it and edit it through the usual span edits.
"""

from __future__ import annotations

import re
from dataclasses import replace

from iacfix.backends.base import ParsedFile, SourceSyntaxError
from iacfix.model import Prop, Value
from iacfix.textedit import line_col_at, line_starts

_SERIALISERS = {
    "hcl": re.compile(r"jsonencode\s*\("),
    "typescript": re.compile(r"JSON\s*\.\s*stringify\s*\("),
    "python": re.compile(r"(?:json\s*\.\s*)?dumps\s*\("),
}


def serialised_object(file: ParsedFile, value: Value | None) -> Value | None:
    """The object (or array) literal serialised by `value`, or None when it is anything else."""
    if value is None:
        return None
    if value.kind in ("object", "array") and file.language != "hcl":
        return value  # CDKTF also takes the document as a plain object in some places
    pattern = _SERIALISERS.get(file.language)
    match = pattern.match(value.text) if pattern else None
    if match is None or not value.text.rstrip().endswith(")"):
        return None
    inner_start = value.span[0] + match.end()
    inner_end = value.span[0] + len(value.text.rstrip()) - 1
    inner = file.text[inner_start:inner_end]
    # further arguments (`JSON.stringify(doc, null, 2)`, `json.dumps(doc, indent=2)`) parse as
    # further arguments of the wrapper too
    try:
        parsed = _parse_literal(file, inner)
    except SourceSyntaxError:
        return None
    if parsed is None or parsed[0].kind not in ("object", "array"):
        return None
    found, offset = parsed
    # where each of the file's lines starts: a value's line and column by bisection (counting
    # the newlines before each value was most of the time a long file's policies took)
    starts = file.derived("line_starts", lambda f: line_starts(f.text))
    return _shift(found, inner_start - offset, starts)


def _parse_literal(file: ParsedFile, inner: str) -> tuple[Value, int] | None:
    """Parse `inner` alone, wrapped so the backend yields it as a value; returns the value and
    where `inner` starts in the wrapper."""
    if file.language == "hcl":
        from iacfix.backends.hcl import parse

        prefix = "x {\n  v = "
        wrapper = parse(file.path, prefix + inner + "\n}\n")
        attrs = wrapper.blocks[0].attributes if wrapper.blocks else []
        return (attrs[0].prop.value, len(prefix)) if attrs else None
    from iacfix.backends import cdktf

    if file.language == "typescript":
        # the first item of an array in an object, so an array (ECS container definitions)
        # parses as well as an object, and further arguments (`, null, 2`) are more items
        prefix = "new X(this, 'x', { v: ["
        source = prefix + inner + "] });\n"
        language = "typescript"
    else:
        prefix = "X(self, 'x', v="
        source = prefix + inner + ")\n"
        language = "python"
    path = file.path.with_name("__iacfix_embedded__" + file.path.suffix)
    wrapper = cdktf.parse(language, path, source)
    constructions = wrapper.typed_view.constructions
    config = constructions[0].config if constructions else None
    if config is None:
        return None
    prop = config.prop("v")
    if prop is not None and language == "typescript":
        return (prop.value.items[0], len(prefix)) if prop.value.items else None
    return (prop.value, len(prefix)) if prop else None


def _shift(value: Value, delta: int, starts: list[int]) -> Value:
    """The value with every span moved by `delta`, lines and columns recomputed from the line
    `starts` of the text the spans then point into."""
    span = _moved(value.span, delta)
    line, col = line_col_at(starts, span[0])
    return replace(
        value,
        span=span,
        line=line,
        col=col,
        props=[Prop(p.key, _moved(p.key_span, delta), _shift(p.value, delta, starts), _moved(p.span, delta)) for p in value.props],
        items=[_shift(i, delta, starts) for i in value.items],
    )


def _moved(span: tuple[int, int], delta: int) -> tuple[int, int]:
    return (span[0] + delta, span[1] + delta)


def objects(value: Value | None) -> list[Value]:
    """The objects a value holds: itself when an object, the object items of a list (HCL
    nested blocks, CDKTF lists of structs), nothing otherwise."""
    if value is None:
        return []
    if value.kind == "object":
        return [value]
    return [i for i in value.items if i.kind == "object"] if value.kind == "array" else []
