"""Terraform HCL: python-hcl2 parses (meaning and character spans), edits are made by span.

python-hcl2 8 returns a lark tree whose every node carries start/end offsets into the text, so
comments and layout outside the edited spans survive untouched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from iacfix.backends.base import ParsedFile, Setting, SourceSyntaxError
from iacfix.model import NO_ITEMS, Edit, Prop, Resource, Value
from iacfix.textedit import indentation_at, line_end, removal_span

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lark import Tree


@dataclass(slots=True)
class Attribute:
    prop: Prop
    eq_span: tuple[int, int]  # the `=` token with the blanks before it (what alignment rewrites)

    @property
    def key(self) -> str:
        return self.prop.key


@dataclass(slots=True)
class Block:
    type: str
    labels: list[str]
    span: tuple[int, int]
    body_span: tuple[int, int]  # between the braces
    line: int
    col: int
    items: list[Attribute | Block] = field(default_factory=list)

    @property
    def attributes(self) -> list[Attribute]:
        return [i for i in self.items if isinstance(i, Attribute)]

    @property
    def blocks(self) -> list[Block]:
        return [i for i in self.items if isinstance(i, Block)]


def parse(path: Path, text: str) -> HclFile:
    from iacfix import parse_cache
    from iacfix.backends import hcl_fast

    blocks = parse_cache.recall("hcl", text)
    if blocks is not None:
        return HclFile(path, text, None, blocks)
    blocks = hcl_fast.blocks(text, Block, Attribute, _string_value)
    file = HclFile(path, text, None, blocks, fast=True) if blocks is not None else parse_lark(path, text)
    parse_cache.keep("hcl", text, file.blocks)
    return file


def reparse(path: Path, text: str, previous: HclFile, edits: list[Edit]) -> HclFile | None:
    """The parse of `text`, what `edits` made of previous.text, built from `previous` where the
    edits left it alone: the top-level blocks before the first edit are kept, those after the
    last one are moved (in place: `previous` is not to be used again), and only what is between
    is parsed; parse() of the text gives the same blocks. None when that is not known to hold
    (previous was not read by hcl_fast, the stretch does not parse by itself): parse() it.

    A rule's fix changes a few lines of a file, and each fix parsed all of it again: nine parses
    of a 1 MB file were half of a run."""
    from iacfix import parse_cache
    from iacfix.backends import hcl_fast

    if not previous.fast or not edits:
        return None
    blocks = parse_cache.recall("hcl", text)
    if blocks is not None:
        return HclFile(path, text, None, blocks)
    old, old_blocks = previous.text, previous.blocks
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    kept, stretches = _unchanged(old, old_blocks, edits)
    kept_blocks = [old_blocks[i] for i in kept]
    # what is not kept goes before the new blocks are built (a fix touching every block of a big
    # file would hold it twice otherwise)
    previous.blocks, previous._resources, previous._settings, previous._derived = [], None, None, {}
    del old_blocks
    # where each stretch is in the new text, and how far each kept block moves
    chars = lines = 0
    moves, new_stretches, pending = [], [], iter(edits)
    edit = next(pending, None)
    for block_index, (start, end) in zip([*kept, None], stretches):
        stretch_start = start + chars
        while edit is not None and edit.start <= end:  # (an edit in a stretch is inside it)
            chars += len(edit.text) - (edit.end - edit.start)
            lines += edit.text.count("\n") - old.count("\n", edit.start, edit.end)
            edit = next(pending, None)
        new_stretches.append((stretch_start, end + chars))
        if block_index is not None:
            moves.append((chars, lines))
    # a stretch no edit is in has no block (each block in one is kept or touched by an edit)
    edited = [i for i, (start, end) in enumerate(stretches) if any(start <= e.start and e.end <= end for e in edits[_first_edit(edits, start) :][:1])]
    parsed = hcl_fast.blocks_between(text, [new_stretches[i] for i in edited], Block, Attribute, _string_value)
    if parsed is None:
        return None
    found_in = dict(zip(edited, parsed))
    blocks: list[Block] = []
    for i in range(len(stretches)):
        blocks += found_in.get(i, ())
        if i < len(kept):
            block = kept_blocks[i]
            if moves[i] != (0, 0):
                _move([block], *moves[i])
            blocks.append(block)
    file = HclFile(path, text, None, blocks, fast=True)
    parse_cache.keep("hcl", text, file.blocks)
    return file


def _first_edit(edits: list[Edit], offset: int) -> int:
    """The index of the first of the (sorted) edits that starts at or after `offset`."""
    import bisect

    return bisect.bisect_left(edits, offset, key=lambda e: e.start)


def _unchanged(text: str, blocks: list[Block], edits: list[Edit]) -> tuple[list[int], list[tuple[int, int]]]:
    """The top-level blocks the (sorted) edits leave alone, by index: none is on a line an edit
    touches. And the stretches of text around them: before the first, between each two, after
    the last (start, end: empty between adjacent blocks, and where nothing changed)."""
    import bisect

    ends = [e.end for e in edits]
    edit_lines = [text.rfind("\n", 0, e.start) + 1 for e in edits]  # where each edit's first line starts
    kept = []
    for index, block in enumerate(blocks):
        line_start = text.rfind("\n", 0, block.span[0]) + 1
        first_after = bisect.bisect_left(ends, line_start)  # the first edit not ending before its line
        if first_after == len(edits) or edit_lines[first_after] >= block.span[1]:  # that one starts after its last line
            kept.append(index)
    stretches, start = [], 0
    for index in kept:
        stretches.append((start, blocks[index].span[0]))
        start = blocks[index].span[1]
    stretches.append((start, len(text)))
    return kept, stretches


def _move(blocks: list[Block], chars: int, lines: int) -> None:
    """Shift the blocks (and all they hold) by `chars` characters and `lines` lines, in place:
    the text of each is unchanged and starts a line, so its columns stay."""
    pending: list = list(blocks)
    while pending:
        item = pending.pop()
        if isinstance(item, Block):
            item.span = (item.span[0] + chars, item.span[1] + chars)
            item.body_span = (item.body_span[0] + chars, item.body_span[1] + chars)
            item.line += lines
            pending += item.items
        elif isinstance(item, Attribute):
            item.eq_span = (item.eq_span[0] + chars, item.eq_span[1] + chars)
            pending.append(item.prop)
        elif isinstance(item, Prop):
            item.key_span = (item.key_span[0] + chars, item.key_span[1] + chars)
            item.span = (item.span[0] + chars, item.span[1] + chars)
            pending.append(item.value)
        else:  # a Value
            item.span = (item.span[0] + chars, item.span[1] + chars)
            item.line += lines
            pending += item.props
            pending += item.items


def parse_lark(path: Path, text: str) -> HclFile:
    """python-hcl2's lark parser: the reference, and the judge of every text hcl_fast declines."""
    import hcl2  # deferred: importing lark grammars costs start-up time (and hcl_fast mostly spares it)
    from lark.exceptions import UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        raise SourceSyntaxError(exc.line if exc.line > 0 else 1, max(exc.column, 1), _describe(exc)) from None
    except Exception as exc:  # python-hcl2 raises plain exceptions for a few malformed inputs
        raise SourceSyntaxError(1, 1, f"does not parse as HCL: {exc}") from None
    return HclFile(path, text, tree)


def _describe(exc) -> str:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return "unexpected end of file (an unclosed brace, bracket or string?)"
    if isinstance(exc, UnexpectedToken):
        token = str(exc.token)
        if not token.strip():
            return "unexpected end of line" if "\n" in token else "unexpected blank"
        return f"unexpected {token.strip().splitlines()[0][:60]!r}"
    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected character {exc.char!r}"
    return "does not parse as HCL"


class HclFile(ParsedFile):
    language = "hcl"
    comment_prefixes = ("#", "//", "/*")
    _resources: list[Resource] | None = None
    _settings: list[Setting] | None = None

    def __init__(self, path: Path, text: str, tree: Tree | None, blocks: list[Block] | None = None, fast: bool = False):
        super().__init__(path, text)
        self.fast = fast  # the blocks are hcl_fast's reading (reparse builds on those only)
        if blocks is None:
            blocks = [b for b in self._items(tree.children[0]) if isinstance(b, Block)]
        self.blocks: list[Block] = blocks

    # -- tree → blocks and attributes ----------------------------------------------------------
    def _items(self, body: Tree) -> list[Attribute | Block]:
        from lark import Tree
        items: list[Attribute | Block] = []
        for child in body.children:
            if isinstance(child, Tree) and child.data == "attribute":
                items.append(self._attribute(child))
            elif isinstance(child, Tree) and child.data == "block":
                items.append(self._block(child))
        return items

    def _attribute(self, node: Tree) -> Attribute:
        ident, eq, expr = node.children[0], node.children[1], node.children[2]
        key = self.text[ident.meta.start_pos : ident.meta.end_pos]
        prop = Prop(
            key=key,
            key_span=(ident.meta.start_pos, ident.meta.end_pos),
            value=self._value(expr),
            span=(node.meta.start_pos, node.meta.end_pos),
        )
        return Attribute(prop, (eq.start_pos, eq.end_pos))

    def _block(self, node: Tree) -> Block:
        from lark import Token
        ident = node.children[0]
        labels = []
        body = None
        lbrace = rbrace = None
        for child in node.children[1:]:
            if isinstance(child, Token):
                if child.type == "LBRACE":
                    lbrace = child.end_pos
                elif child.type == "RBRACE":
                    rbrace = child.start_pos
            elif child.data == "body":
                body = child
            else:  # a label: quoted string or bare identifier
                labels.append(_string_value(self.text[child.meta.start_pos : child.meta.end_pos]))
        block = Block(
            type=self.text[ident.meta.start_pos : ident.meta.end_pos],
            labels=labels,
            span=(node.meta.start_pos, node.meta.end_pos),
            body_span=(lbrace, rbrace),
            line=node.meta.line,
            col=node.meta.column,
        )
        if body is not None:
            block.items = self._items(body)
        return block

    def _value(self, node: Tree) -> Value:
        from lark import Tree
        start, end = node.meta.start_pos, node.meta.end_pos
        text = self.text[start:end]
        inner = node.children[0] if node.data == "expr_term" and len(node.children) == 1 else node
        kind, value, props, items = "expr", None, NO_ITEMS, NO_ITEMS
        data = inner.data if isinstance(inner, Tree) else None
        if data == "literal_value":
            token = inner.children[0]
            if token.type in ("TRUE", "FALSE"):
                kind, value = "bool", token.type == "TRUE"
            elif token.type == "NULL":
                kind = "null"
        elif data in ("int_lit", "float_lit"):
            kind, value = "number", int(text) if data == "int_lit" else float(text)
        elif data == "string":
            if any(isinstance(c, Tree) and c.children and isinstance(c.children[0], Tree) for c in inner.children):
                kind = "template"  # holds ${...} or %{...}
            else:
                kind, value = "string", _string_value(text)
        elif data == "object":
            kind, props = "object", []
            for elem in inner.children:
                if isinstance(elem, Tree) and elem.data == "object_elem":
                    key_node, _, val_node = elem.children[0], elem.children[1], elem.children[2]
                    key_text = self.text[key_node.meta.start_pos : key_node.meta.end_pos]
                    props.append(
                        Prop(
                            key=_string_value(key_text),
                            key_span=(key_node.meta.start_pos, key_node.meta.end_pos),
                            value=self._value(val_node),
                            span=(elem.meta.start_pos, elem.meta.end_pos),
                        )
                    )
        elif data == "tuple":
            kind = "array"
            # (not the new_line_or_comment trees between the items of a multi-line tuple)
            items = [self._value(c) for c in inner.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        return Value(kind, text, (start, end), node.meta.line, node.meta.column, value, props, items)

    # -- the neutral view ------------------------------------------------------------------------
    def resources(self) -> list[Resource]:
        # Built once per parse (a parse is one version of the file's text); rules get a copy.
        if self._resources is None:
            self._resources = self._build_resources()
        return list(self._resources)

    def _build_resources(self) -> list[Resource]:
        """`resource` blocks, and `data` blocks as resources of type `data.<type>`."""
        out = []
        for block in self.blocks:
            if block.type not in ("resource", "data") or len(block.labels) != 2:
                continue
            rtype, name = block.labels
            if block.type == "data":
                rtype = f"data.{rtype}"
            body = self._block_value(block)
            attrs = {p.key: p for p in body.props}
            out.append(Resource(self.path, "hcl", rtype, name, f"{rtype}.{name}", attrs, body, block.line, block.col, name))
        return out

    def block_body(self, block: Block) -> Value:
        """Any block's body (a variable's, a provider's, a nested one) as the object the
        ParsedFile ops edit: `insert_entry(file.block_body(block), "default", '""')`."""
        return self._block_value(block)

    def _block_value(self, block: Block) -> Value:
        """A block body as an object: its attributes, and each nested block type as a list of
        objects (Terraform's model of blocks, and how CDKTF writes them), so a rule asking
        `"sms_configuration" in resource.attrs` gets the same answer in every language."""
        body = Value("object", self.text[slice(*block.body_span)], block.body_span, block.line, block.col, syntax="block")
        body.props = [a.prop for a in block.attributes]
        nested: dict[str, list[Block]] = {}
        for child in block.blocks:
            nested.setdefault(child.type, []).append(child)
        for kind, children in nested.items():
            first = children[0]
            items = [self._block_value(c) for c in children]
            value = Value("array", self.text[first.span[0] : children[-1].span[1]], first.span, first.line, first.col)
            value.items = items
            key_span = (first.span[0], first.span[0] + len(kind))
            body.props.append(Prop(kind, key_span, value, (first.span[0], children[-1].span[1]), block=True))
        return body

    def settings(self) -> list[Setting]:
        # Built once per parse (a parse is one version of the file's text); rules get a copy.
        if self._settings is None:
            self._settings = self._build_settings()
        return list(self._settings)

    def _build_settings(self) -> list[Setting]:
        out: list[Setting] = []
        for block in self.blocks:
            if block.type == "terraform":
                for key, attr in _keyed_attributes(block, "terraform"):
                    v, start = attr.prop.value, attr.prop.span[0]
                    col = start - self.text.rfind("\n", 0, start)
                    out.append(Setting(self.path, key, v, attr.prop.span, v.line, col))
        return out

    def find_block_of(self, offset: int) -> Block | None:
        """The innermost block whose body holds `offset`."""
        found, blocks = None, self.blocks
        while (inner := next((b for b in blocks if b.body_span[0] <= offset < b.body_span[1]), None)) is not None:
            found, blocks = inner, inner.blocks
        return found

    shares_names = True

    def bound_value(self, name: str, at: int) -> str | None:
        if not name.startswith("local."):
            return None
        values = [a.prop.value for b in self.blocks if b.type == "locals" for a in b.attributes if a.key == name[6:]]
        return values[0].text if len(values) == 1 else None

    def _lex(self):
        literals: list[tuple[int, int]] = []
        comments: list[tuple[int, int]] = []
        _hcl_scan(self.text, 0, literals, comments, nested=False)
        return literals, comments

    def read_reference(self, value: Value) -> tuple[str, str, str | None] | None:
        match = _REFERENCE.fullmatch(value.text) if value.kind == "expr" else None
        if not match or match.group(1).split(".")[0] in _NOT_RESOURCES:
            return None
        ref = match.group(1)
        return ref, match.group(2), ref.rsplit(".", 1)[0]

    # -- rendering edits -----------------------------------------------------------------------
    def literal(self, value: bool | int | float | str) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return repr(value)
        # HCL string escapes are JSON's, plus `${` / `%{` which would start a template.
        return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")

    def to_string_expr(self, value: Value) -> str:
        return f"tostring({value.text})"

    def insert_entry(self, container: Value, name: str, value_text: str) -> list[Edit]:
        """`name = value` in a block (after its first run of one-line attributes, the run's `=`
        realigned) or in an object literal (after its last entry)."""
        if container.syntax != "block":
            return self._insert_into_object(container, f"{name} = {value_text}")
        block = self.find_block_of(container.span[0])
        assert block is not None
        runs = self._runs(block)
        if runs:
            run = runs[0]
            anchor = _attribute_end(run[-1])
            indent = indentation_at(self.text, run[0].prop.span[0])
        else:
            run = []
            anchor = block.body_span[0]
            indent = indentation_at(self.text, block.span[0]) + "  "
        width = max([len(a.key) for a in run] + [len(name)])
        edits = self._align(run, width)
        line = f"{indent}{name}{' ' * (width - len(name))} = {value_text}"
        edits.append(Edit(self.path, line_end(self.text, anchor), line_end(self.text, anchor), "\n" + line))
        return edits

    def _insert_into_object(self, obj: Value, entry: str) -> list[Edit]:
        inner = self.text[obj.span[0] + 1 : obj.span[1] - 1]
        if not obj.props:
            return [Edit(self.path, obj.span[0], obj.span[1], "{ " + entry + " }" if "\n" not in inner else "{\n" + indentation_at(self.text, obj.span[0]) + "  " + entry + "\n" + indentation_at(self.text, obj.span[0]) + "}")]
        last = obj.props[-1]
        if "\n" not in inner:
            return [Edit(self.path, last.span[1], last.span[1], f", {entry}")]
        end = line_end(self.text, last.span[1])
        return [Edit(self.path, end, end, "\n" + indentation_at(self.text, last.span[0]) + entry)]

    def insert_block(self, container: Value, name: str, entries: list[tuple[str, str]] = (), as_list: bool = False) -> list[Edit]:
        """A nested block `name { ... }` after the block's first run of attributes, set off by a
        blank line (first in the body when it has no attributes); `as_list` means nothing in HCL,
        where a list of blocks is the block repeated. An entry whose value is itself a list of
        entries is a block inside it."""
        block = self.find_block_of(container.span[0])
        assert block is not None
        indent = indentation_at(self.text, block.span[0]) + "  "
        text = _block_text(name, entries, indent)
        runs = self._runs(block)
        if runs:
            at = line_end(self.text, _attribute_end(runs[0][-1]))
            return [Edit(self.path, at, at, f"\n\n{indent}{text}")]
        at = line_end(self.text, block.body_span[0])
        return [Edit(self.path, at, at, f"\n{indent}{text}\n" if block.items else f"\n{indent}{text}")]

    def rename_entry(self, container: Value, prop: Prop, name: str) -> list[Edit]:
        """The attribute spelled `name`, its run's `=` realigned (what `terraform fmt` keeps)."""
        edits = [Edit(self.path, *prop.key_span, name)]
        block = self.find_block_of(prop.span[0]) if container.syntax == "block" else None
        for run in self._runs(block) if block is not None else []:
            attr = next((a for a in run if a.prop.span == prop.span), None)
            if attr is not None:
                width = max(len(name) if a is attr else len(a.key) for a in run)
                for a in run:
                    wanted = " " * (width - (len(name) if a is attr else len(a.key))) + " ="
                    if self.text[slice(*a.eq_span)] != wanted:
                        edits.append(Edit(self.path, *a.eq_span, wanted))
        return edits

    def replace_entry(self, container: Value, prop: Prop, entries: list[tuple[str, str]]) -> list[Edit]:
        """Where `prop` stands, `entries`: attributes aligned, then blocks (an entry whose value is
        a list of entries)."""
        span = _outer_block_span(self.text, prop.value.items[0]) if prop.block else prop.span
        indent = indentation_at(self.text, span[0])
        attributes = [(k, v) for k, v in entries if isinstance(v, str)]
        width = max((len(k) for k, _ in attributes), default=0)
        lines = [f"{indent}{k.ljust(width)} = {v}" for k, v in attributes]
        lines += [indent + _block_text(k, v, indent) for k, v in entries if not isinstance(v, str)]
        start, end = removal_span(self.text, *span, comment_prefixes=self.comment_prefixes)
        return [Edit(self.path, start, end, "\n".join(lines) + "\n")]

    def rewrite_as_block(self, container: Value, prop: Prop) -> list[Edit]:
        """`rule = { a = 1 }` → `rule {` newline `a = 1` newline `}`; a list of objects → the block once per
        object. Each entry on its own line (a block body has one per line), values as written."""
        value = prop.value
        objects = [value] if value.kind == "object" else value.items
        if prop.block or not objects or any(o.kind != "object" for o in objects):
            return []
        keys = [[_string_value(p.key) for p in o.props] for o in objects]
        if any(not _IDENTIFIER.fullmatch(k) for ks in keys for k in ks):
            return []
        indent = indentation_at(self.text, prop.span[0])
        blocks = []
        for obj, names in zip(objects, keys):
            lines = "".join(f"{indent}  {k} = {p.value.text}\n" for k, p in zip(names, obj.props))
            blocks.append(f"{prop.key} {{\n{lines}{indent}}}" if lines else f"{prop.key} {{}}")
        return [Edit(self.path, prop.span[0], prop.span[1], f"\n{indent}".join(blocks))]

    def rewrite_as_attribute(self, container: Value, prop: Prop, as_list: bool) -> list[Edit]:
        """`tags {` ... `}` → `tags = {` ... `}` (a block body is an object's body); several
        blocks, or `as_list`, → `name = [{ ... }, { ... }]`."""
        items = prop.value.items
        if not prop.block or not items or any(p.block for i in items for p in i.props) or (len(items) > 1 and not as_list):
            return []
        spans = [_outer_block_span(self.text, item) for item in items]
        bodies = ["{" + self.text[item.span[0] : item.span[1]] + "}" for item in items]
        text = f"{prop.key} = " + ("[" + ", ".join(bodies) + "]" if as_list else bodies[0])
        edits = [Edit(self.path, spans[0][0], spans[0][1], text)]
        for span in spans[1:]:
            edits += self.remove_statement(span)
        return edits

    def unwrap_entry(self, container: Value, prop: Prop) -> list[Edit]:
        """A block written once (`wrapper { ... }`) replaced by its body, one level less indented."""
        if not prop.block or len(prop.value.items) != 1:
            return []
        body = prop.value.items[0]
        span = _outer_block_span(self.text, body)
        inner = self.text[body.span[0] : body.span[1]].strip("\n")
        indent = indentation_at(self.text, span[0])
        lines = [line[2:] if line.startswith(indent + "  ") else line for line in inner.split("\n")]
        start, end = removal_span(self.text, *span, comment_prefixes=self.comment_prefixes)
        return [Edit(self.path, start, end, "\n".join(lines).rstrip() + "\n")]

    def rename_resource_type(self, resource: Resource, new_type: str) -> list[Edit]:
        block = self.find_block_of(resource.body.span[0])
        old = resource.type.removeprefix("data.")
        match = re.compile(r'\s+"?(' + re.escape(old) + r')"?').match(self.text, block.span[0] + len(block.type)) if block else None
        return [Edit(self.path, match.start(1), match.end(1), new_type.removeprefix("data."))] if match else []

    def rename_reference(self, old: str, new: str) -> list[Edit]:
        if old not in self.text:
            return []
        pattern = re.compile(r"(?<![\w.-])" + re.escape(old) + r"(?![\w-])")
        return [Edit(self.path, m.start(), m.end(), new) for m in pattern.finditer(self.text)]

    def remove_entry(self, container: Value, prop: Prop) -> list[Edit]:
        if prop.block:  # each block of the name, with its line
            value = prop.value
            return [e for item in value.items for e in self.remove_statement(_outer_block_span(self.text, item))]
        return self._remove_spans([prop.span])

    def remove_span(self, span) -> list[Edit]:
        return self._remove_spans([span])

    def remove_attrs(self, resource: Resource, names: list[str]) -> list[Edit]:
        return self._remove_spans([resource.attrs[n].span for n in names])

    def _remove_spans(self, spans) -> list[Edit]:
        """Delete attribute lines and realign, once, what is left of each `=` run they were in."""
        edits = [edit for span in spans for edit in ParsedFile.remove_span(self, span)]
        gone = set(spans)
        blocks = {id(b): b for b in (self.find_block_of(span[0]) for span in spans) if b is not None}
        for block in blocks.values():
            for run in self._runs(block):
                if any(a.prop.span in gone for a in run):
                    rest = [a for a in run if a.prop.span not in gone]
                    edits += self._align(rest, max((len(a.key) for a in rest), default=0))
        return edits

    def _runs(self, block: Block) -> list[list[Attribute]]:
        """Runs of consecutive one-line attributes, the groups `terraform fmt` aligns on `=`.

        A blank line, a comment line, a nested block or a multi-line value ends a run; a heredoc
        counts as one line (the corpus of fmt-clean files shows it aligned with its neighbours).
        """
        runs: list[list[Attribute]] = []
        current: list[Attribute] = []
        previous_end = None
        for item in block.items:
            single = isinstance(item, Attribute) and (
                item.prop.value.text.startswith("<<") or "\n" not in self.text[slice(*item.prop.span)]
            )
            if single and current and previous_end is not None and _adjacent(self.text[previous_end : item.prop.span[0]]):
                current.append(item)
            else:
                if current:
                    runs.append(current)
                current = [item] if single else []
            previous_end = item.prop.span[1] if isinstance(item, Attribute) else item.span[1]
            if isinstance(item, Attribute) and item.prop.value.text.endswith("\n"):
                previous_end -= 1  # a heredoc's token ends after its closing line's newline
        if current:
            runs.append(current)
        return runs

    def _align(self, run: list[Attribute], width: int) -> list[Edit]:
        edits = []
        for attr in run:
            wanted = " " * (width - len(attr.key)) + " ="
            if self.text[slice(*attr.eq_span)] != wanted:
                edits.append(Edit(self.path, *attr.eq_span, wanted))
        return edits


# Module-level rather than a closure that calls itself: such a closure is a reference cycle
# holding the file, which only the cycle collector can then free (see engine._age_young_objects).
def _keyed_attributes(block: Block, prefix: str) -> Iterator[tuple[str, Attribute]]:
    """Every attribute in the block and its nested blocks, depth first, with its dotted key
    (`terraform.backend.s3.bucket`)."""
    for attr in block.attributes:
        yield f"{prefix}.{attr.key}", attr
    for child in block.blocks:
        yield from _keyed_attributes(child, ".".join([prefix, child.type, *child.labels]))


# `aws_x.name.attr` / `data.aws_x.name.attr`: an attribute of a resource of this module
_IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")
_NOT_RESOURCES = frozenset({"var", "local", "module", "each", "count", "path", "terraform", "self"})
_REFERENCE = re.compile(r"((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)\.([a-z_][a-z0-9_]*)")


def _block_text(name: str, entries, indent: str) -> str:
    """`name { ... }` at `indent`, its attributes aligned as `terraform fmt` aligns them, then its
    blocks (an entry whose value is a list of entries)."""
    attributes = [(k, v) for k, v in entries if isinstance(v, str)]
    blocks = [(k, v) for k, v in entries if not isinstance(v, str)]
    if not entries:
        return f"{name} {{}}"
    width = max((len(k) for k, _ in attributes), default=0)
    lines = [f"{indent}  {k.ljust(width)} = {v}" for k, v in attributes]
    lines += [f"{indent}  {_block_text(k, v, indent + '  ')}" for k, v in blocks]
    return f"{name} {{\n" + "\n".join(lines) + f"\n{indent}}}"


def _attribute_end(attribute: Attribute) -> int:
    """Where an attribute's text ends on its last line: a heredoc's token takes the newline after
    its closing marker, which would put what follows it on the line after."""
    end = attribute.prop.span[1]
    return end - 1 if attribute.prop.value.text.endswith("\n") else end


def _outer_block_span(text: str, body: Value) -> tuple[int, int]:
    """A nested block's whole span (`name {` to `}`) from its body's."""
    start = text.rfind("\n", 0, body.span[0]) + 1
    return start + (len(text[start:]) - len(text[start:].lstrip(" \t"))), body.span[1] + 1


def _adjacent(between: str) -> bool:
    """True when two attributes are on consecutive lines (a same-line comment after the first
    is allowed, a blank or comment line between them is not)."""
    first, sep, rest = between.partition("\n")
    return bool(sep) and "\n" not in rest and not rest.strip()


def _string_value(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        if "\\" not in text:
            return text[1:-1]  # nothing escaped: what json.loads gives, without its cost
        try:
            return json.loads(text)
        except ValueError:
            return text[1:-1]
    return text


# `<<EOF` / `<<-EOF`: a heredoc's opening marker, up to the end of its line
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n")


_HCL_PLAIN = re.compile(r'[^#/"<{}]+')
_HCL_STRING_PLAIN = re.compile(r'[^\\"\n$%]+')


def _hcl_scan(text: str, i: int, literals: list | None, comments: list | None, nested: bool) -> int:
    """Skip HCL from `i`, recording the spans of quoted strings and heredocs in `literals` and of
    comments (`#`, `//`, `/* */`) in `comments`. With `nested`, stop after the `}` that closes an
    interpolation or directive (`${...}`, `%{...}`) and return where the scan stopped; what is
    inside a literal is not recorded (it is the literal's)."""
    n, depth = len(text), 0
    while i < n:
        plain = _HCL_PLAIN.match(text, i)  # a run none of the branches below looks at, skipped at once
        if plain is not None:
            i = plain.end()
            continue
        c = text[i]
        if c == "#" or text.startswith("//", i) or text.startswith("/*", i):
            start = i
            if text.startswith("/*", i):
                i = n if text.find("*/", i + 2) < 0 else text.find("*/", i + 2) + 2
            else:
                i = n if text.find("\n", i) < 0 else text.find("\n", i)
            if comments is not None:
                comments.append((start, i))
            continue
        if c == '"':
            j = _hcl_string_end(text, i + 1)
            if literals is not None:
                literals.append((i, j))
            i = j
            continue
        if c == "<" and (heredoc := _HEREDOC.match(text, i)):
            marker = re.compile(rf"^[ \t]*{re.escape(heredoc.group(1))}[ \t]*$", re.M)
            closing = marker.search(text, heredoc.end())
            j = closing.end() if closing else n
            if literals is not None:
                literals.append((i, j))
            i = j
            continue
        if nested and c == "{":
            depth += 1
        elif nested and c == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    return n


def _hcl_string_end(text: str, i: int) -> int:
    """Where a quoted string whose text starts at `i` ends (after its closing quote)."""
    n = len(text)
    while i < n:
        plain = _HCL_STRING_PLAIN.match(text, i)
        if plain is not None:
            i = plain.end()
            continue
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"' or c == "\n":
            return i + 1 if c == '"' else i
        elif text.startswith(("$${", "%%{"), i):
            i += 3  # an escaped `${` / `%{`: text
        elif text.startswith(("${", "%{"), i):
            i = _hcl_scan(text, i + 2, None, None, nested=True)
        else:
            i += 1
    return n
