"""The HCL backend's fast path: tree-sitter-hcl (C) instead of python-hcl2's lark parser (Python).

lark takes 20-300 ms a file and was most of an HCL run; tree-sitter takes well under 1 ms. `blocks`
builds the same Blocks, Attributes and Values hcl.py builds from the lark tree (spans, lines,
columns, kinds and values; the corpus's .tf files gave identical results). It returns None, and
hcl.parse uses lark, for any text tree-sitter finds an error in (lark then reports it as before,
or accepts what tree-sitter did not) and for the few shapes whose lark reading differs
(`_Unsupported`), so syntax errors are still python-hcl2's and a text parses iff lark says so,
save where tree-sitter accepts a text lark cannot read.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from iacfix.model import NO_ITEMS, Prop, Value
from iacfix.textedit import line_col_at, line_starts

_INT = re.compile(r"-?[0-9]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# python-hcl2's NL_OR_COMMENT, with the blanks its lexer ignores before it
_NL_OR_COMMENT = re.compile(r"[ \t]*(?:\n[ \t]*|#.*\n|//.*\n|/\*(?:.|\n)*?\*/)")
_FLOAT = re.compile(r"-?[0-9]+(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)")


def _same(offset: int) -> int:
    return offset


def _byte_span(node) -> tuple[int, int]:
    return node.start_byte, node.end_byte


class _Unsupported(Exception):
    pass


_parser: Any = None


def _get_parser() -> Any:
    global _parser
    if _parser is None:
        import tree_sitter
        import tree_sitter_hcl

        _parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _parser


def available() -> bool:
    try:
        _get_parser()
    except Exception:  # not installed, or a binary that does not load here: lark does it all
        return False
    return True


# A text longer than this is parsed piece by piece (`_pieces`): tree-sitter's tree takes about 60
# bytes per byte of text, and the Python objects of its nodes (which a node keeps once asked for
# its children) 90 more, so a 5 MB file held 750 MB while its blocks were built.
PIECE_BYTES = 1 << 16
# where a top-level block likely starts: a line `name "label" label {` after a line `}` (the end of
# the block before) and blank or comment lines (a shell script in a heredoc rarely has both)
_BLOCK_START = re.compile(
    rb'\n\}[ \t]*\n(?:[ \t]*(?:(?:#|//)[^\n]*)?\n)*'
    rb'(?=[A-Za-z_][\w-]*(?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*[ \t]*\{[ \t]*\n)'
)


def blocks(text: str, block_cls: type, attribute_cls: type, string_value) -> list | None:
    """The top-level Blocks of the text, or None when lark must read it."""
    try:
        parser = _get_parser()
    except Exception:
        return None
    data = text.encode("utf-8")
    builder = _Builder(text, data, block_cls, attribute_cls, string_value)
    try:
        if len(data) > PIECE_BYTES:
            found = _blocks_by_pieces(builder, data)
            if found is not None:
                return found
        root = parser.parse(data).root_node
        return None if root.has_error else builder.body(root)
    except _Unsupported:
        return None
    # A RecursionError (values nested deeper than the recursion limit allows) is raised: lark
    # would recurse as deep, and the engine parses such a file again with more room.


def _blocks_by_pieces(builder: _Builder, data: bytes) -> list | None:
    """The blocks, parsed a piece of the text at a time (each piece's tree is dropped before the
    next is made), or None when the text does not parse. A piece ends where a top-level block
    likely starts (`_BLOCK_START`); if that is inside something (a heredoc, a comment) the piece
    is unfinished, which tree-sitter reports, and it is parsed again joined to the pieces after
    it, twice as many each time. Pieces that each parse cleanly are top-level items one after
    the other: together they are what the whole text is."""
    import tree_sitter

    parser = tree_sitter.Parser(_get_parser().language)
    bounds = _bounds(data)
    found: list = []
    first, row = 0, 0
    while first < len(bounds) - 1:
        last = first + 1
        while True:
            start, end = bounds[first], bounds[last]
            end_row = row + data.count(b"\n", start, end)
            end_col = end - (data.rfind(b"\n", start, end) + 1) if end_row > row else end - start
            parser.included_ranges = [tree_sitter.Range((row, 0), (end_row, end_col), start, end)]
            root = parser.parse(data).root_node
            if not root.has_error:
                break
            if last == len(bounds) - 1:
                return None  # up to the end of the text: it does not parse
            last = min(len(bounds) - 1, last + (last - first))
        found += builder.body(root)
        first, row = last, end_row
    return found


def _bounds(data: bytes) -> list[int]:
    """Byte offsets that cut the text into pieces of at least PIECE_BYTES, each ending where a
    top-level block likely starts (or at the end of the text): 0 first, len(data) last."""
    bounds = [0]
    while (match := _BLOCK_START.search(data, bounds[-1] + PIECE_BYTES)) is not None:
        bounds.append(match.end())
    if bounds[-1] != len(data):
        bounds.append(len(data))
    return bounds


_ESCAPED_TEMPLATE = re.compile(r"(?:\$\$|%%)\{[^}]*\}")


def _check_escapes(text: str) -> None:
    """An escaped `$${...}` / `%%{...}` is a literal to both parsers (IAM policy variables:
    `$${aws:username}`); a run of three signs, or an escape left open, they read differently
    (or lark refuses it): lark decides those."""
    if "$$" not in text and "%%" not in text:
        return
    rest = _ESCAPED_TEMPLATE.sub("", text)
    if "$$$" in text or "%%%" in text or "$${" in rest or "%%{" in rest:
        raise _Unsupported("string escapes")


class _Builder:
    def __init__(self, text: str, data: bytes, block_cls: type, attribute_cls: type, string_value) -> None:
        self.text = text
        self.block_cls = block_cls
        self.attribute_cls = attribute_cls
        self.string_value = string_value
        self.line_starts = line_starts(text)
        # Non-ASCII text: tree-sitter gives byte offsets, the model wants code points. Each
        # non-ASCII character shifts what follows by its extra bytes; a bisect over those
        # characters maps an offset (a per-byte table cost a Python loop over every character).
        if len(data) != len(text):
            shift_at, shifts, total = [], [0], 0
            for match in _NON_ASCII.finditer(text):
                total += len(match.group().encode("utf-8")) - 1
                shift_at.append(match.start() + total + 1)  # byte offset just after this character
                shifts.append(total)
            self.shift_at, self.shifts = shift_at, shifts
        else:  # ASCII (most files): offsets are the bytes tree-sitter gives, no call to map them
            self._pos = _same  # type: ignore[method-assign]
            self._span = _byte_span  # type: ignore[method-assign]

    def _pos(self, byte: int) -> int:  # non-ASCII text (an ASCII one has _same)
        return byte - self.shifts[bisect.bisect_right(self.shift_at, byte)]

    def _span(self, node) -> tuple[int, int]:
        return self._pos(node.start_byte), self._pos(node.end_byte)

    def _line_col(self, offset: int) -> tuple[int, int]:
        return line_col_at(self.line_starts, offset)

    # -- structure ----------------------------------------------------------------------------
    def body(self, root) -> list:
        out = []
        for child in root.children:
            if child.type == "body":
                out += [i for i in self._items(child) if isinstance(i, self.block_cls)]
            elif child.type != "comment":
                raise _Unsupported(child.type)
        return out

    def _items(self, body) -> list:
        items = []
        for child in body.children:
            kind = child.type
            if kind == "attribute":
                items.append(self._attribute(child))
            elif kind == "block":
                items.append(self._block(child))
            elif kind != "comment":
                raise _Unsupported(kind)
        return items

    def _attribute(self, node):
        children = node.children
        if len(children) != 3 or children[0].type != "identifier" or children[1].type != "=":
            raise _Unsupported("attribute")
        ident, eq, expr = children
        key_start, key_end = self._span(ident)
        eq_end = self._pos(eq.end_byte)
        start, _ = self._span(node)
        value = self._value(expr)
        prop = Prop(key=self.text[key_start:key_end], key_span=(key_start, key_end), value=value, span=(start, value.span[1]))
        return self.attribute_cls(prop, (key_end, eq_end))

    def _block(self, node):
        children = node.children
        ident = children[0]
        if ident.type != "identifier":
            raise _Unsupported("block")
        labels = []
        lbrace = rbrace = None
        body = None
        for child in children[1:]:
            kind = child.type
            if kind == "block_start":
                lbrace = self._pos(child.end_byte)
            elif kind == "block_end":
                rbrace = self._pos(child.start_byte)
            elif kind == "body":
                body = child
            elif kind in ("string_lit", "identifier"):
                labels.append(self.string_value(self.text.__getitem__(slice(*self._span(child)))))
            elif kind != "comment":
                raise _Unsupported(kind)
        if lbrace is None or rbrace is None:
            raise _Unsupported("block without braces")
        start, end = self._span(node)
        line, col = self._line_col(start)
        ident_start, ident_end = self._span(ident)
        block = self.block_cls(
            type=self.text[ident_start:ident_end],
            labels=labels,
            span=(start, end),
            body_span=(lbrace, rbrace),
            line=line,
            col=col,
        )
        if body is not None:
            block.items = self._items(body)
        return block

    # -- values ---------------------------------------------------------------------------------
    def _value(self, node) -> Value:
        if node.type != "expression":
            raise _Unsupported(node.type)
        start, end = self._span(node)
        end = self._lark_end(node, end)
        text = self.text[start:end]
        line, col = self._line_col(start)
        kind, value, props, items = "expr", None, NO_ITEMS, NO_ITEMS
        children = node.children
        inner = children[0] if len(children) == 1 else None
        inner_type = inner.type if inner is not None else None
        if inner_type == "literal_value":
            lit = inner.children[0]
            if lit.type == "numeric_lit":
                kind, value = self._number(text)
            elif lit.type == "bool_lit":
                kind, value = "bool", text == "true"
            elif lit.type == "null_lit":
                kind = "null"
            elif lit.type == "string_lit":
                kind, value = "string", self._string(text)
            else:
                raise _Unsupported(lit.type)
        elif inner_type == "template_expr":
            template = inner.children[0]
            if template.type == "quoted_template":
                _check_escapes(text)
                if any(c.type in ("template_interpolation", "template_directive") for c in template.children):
                    kind = "template"
                else:
                    kind, value = "string", self._string(text)
            # heredocs: "expr", as lark's heredoc_template
        elif inner_type == "collection_value":
            collection = inner.children[0]
            if collection.type == "object":
                kind, props = "object", []
                for elem in collection.children:
                    if elem.type == "object_elem":
                        props.append(self._object_elem(elem))
                    elif elem.type not in ("object_start", "object_end", ",", "comment"):
                        raise _Unsupported(elem.type)
            elif collection.type == "tuple":
                kind, items = "array", []
                for item in collection.children:
                    if item.type == "expression":
                        items.append(self._value(item))
                    elif item.type not in ("tuple_start", "tuple_end", ",", "comment"):
                        raise _Unsupported(item.type)
        return Value(kind, text, (start, end), line, col, value, props, items)

    def _lark_end(self, node, end: int) -> int:
        """Where lark ends the expression: a heredoc with the line end after its marker, and a
        binary operation with the line ends and comments after it (its grammar's trailing
        new_line_or_comment), also when it ends a larger expression."""
        last = node
        while True:
            kind = last.type
            if kind == "binary_operation":
                return self._after_newlines(end)
            if kind in ("heredoc_template",):
                return end + 1 if self.text.startswith("\n", end) else end
            if kind in ("expression", "operation", "conditional", "template_expr") and last.children:
                last = last.children[-1]
                continue
            return end

    def _after_newlines(self, end: int) -> int:
        text = self.text
        i = end
        matched = end
        while True:
            m = _NL_OR_COMMENT.match(text, i)
            if m is None:
                return matched
            matched = i = m.end()

    def _number(self, text: str) -> tuple[str, Any]:
        if _INT.fullmatch(text):
            return "number", int(text)  # `0755` too, which HCL reads as 755 (and JSON refuses)
        if _FLOAT.fullmatch(text):
            return "number", float(text)
        raise _Unsupported(f"number {text!r}")

    def _string(self, text: str) -> str:
        _check_escapes(text)
        return self.string_value(text)

    def _object_elem(self, elem) -> Prop:
        children = elem.children
        if len(children) != 3 or children[1].type not in ("=", ":"):
            raise _Unsupported("object_elem")
        key_node, _, val_node = children
        key_start, key_end = self._span(key_node)
        start, _ = self._span(elem)
        value = self._value(val_node)
        return Prop(
            key=self.string_value(self.text[key_start:key_end]),
            key_span=(key_start, key_end),
            value=value,
            span=(start, value.span[1]),
        )


def sole_interpolation(text: str) -> bool | None:
    """Whether a quoted template is exactly one interpolation, `"${x}"` (no literal text, no
    directive, no strip marker); None when tree-sitter cannot tell."""
    try:
        parser = _get_parser()
    except Exception:
        return None
    root = parser.parse(f"x = {text}\n".encode("utf-8")).root_node
    if root.has_error:
        return None
    try:
        (attribute,) = root.children[0].children
        template = attribute.children[2].children[0].children[0]
    except (IndexError, ValueError):
        return None
    if template.type != "quoted_template":
        return None
    parts = template.children[1:-1]
    return (
        len(parts) == 1
        and parts[0].type == "template_interpolation"
        and not text.startswith('"${~')
        and not text.endswith('~}"')
    )
