"""The CDKTF view of a Python file (docs/cdktf-view.md) from CPython's own `ast`: the fast path.

libcst with its PositionProvider costs 50-100 ms a file; `ast.parse` and one walk cost a few. The
view is the same dict python_view's libcst walk builds (tests/test_python_view.py runs both, and
the corpus gave the same views for every file both read). Where `ast` cannot say what libcst says
the caller falls back to libcst: `extract_view` returns None for a text this Python cannot parse
(a syntax error, or syntax newer than the running Python) and for the rare shapes handled below
by giving up (`_Unsupported`).

Positions: `ast` gives (line, UTF-8 byte column) pairs; spans here are code-point offsets into the
text. libcst leaves a node's own parentheses out of its position and adds them back in `_span`;
`ast` leaves them out too, and the parentheses around a node are found in the text (`_wrap`).
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections import deque
from typing import Any, Iterator

from iacfix.backends.base import SourceSyntaxError
from iacfix.textedit import line_col_at, line_starts


class PythonSyntaxError(SourceSyntaxError):
    """The text does not parse; line and col (both 1-based, col in code points) locate it."""


ANNOTATION_TYPES = {"bool": "boolean", "str": "string", "int": "number", "float": "number"}
_IDENT = re.compile(r"\w+")
_STRING_PREFIX = re.compile(r"[rRbBuUfF]{0,2}")


class _Unsupported(Exception):
    """A shape whose libcst position is not worth reproducing: use libcst for this file."""


def extract_view(text: str) -> dict[str, Any] | None:
    """The View dict, or None when libcst must answer (see the module docstring)."""
    tree = parse(text)
    return None if tree is None else view_of(text, tree)


def parse(text: str) -> ast.Module | None:
    """The text's tree (after a byte-order mark), or None when this Python cannot parse it."""
    try:
        return parse_or_refusal(text)[0]
    except RecursionError:
        return None


def parse_or_refusal(text: str) -> tuple[ast.Module | None, SyntaxError | None]:
    """(the text's tree, None), or (None, why CPython refuses it). A RecursionError (a chain of
    operators deeper than the recursion limit allows) is raised: the engine parses such a file
    again with more room (engine.deep_input)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text[1:] if text.startswith("\ufeff") else text), None
    except SyntaxError as exc:
        return None, exc
    except (ValueError, MemoryError) as exc:  # a NUL byte; "too complex"
        return None, SyntaxError(str(exc) or type(exc).__name__)


def view_of(text: str, tree: ast.Module) -> dict[str, Any] | None:
    """The View of the text `parse` read into `tree`, or None when libcst must answer. A
    RecursionError is raised, as by parse_or_refusal."""
    try:
        builder = _Builder(text, text.startswith("\ufeff"))
        builder.visit_body(tree.body)
        return builder.view()
    except _Unsupported:
        return None


class Scope:
    """The names bound in one function, class or module body, each binding with the type it
    fixes (None when it fixes none), to type bare names conservatively."""

    def __init__(self) -> None:
        self.bindings: dict[str, list[str | None]] = {}
        self.unsafe: set[str] = set()
        self.star_import = False

    def bind(self, name: str, type_: str | None = None) -> None:
        self.bindings.setdefault(name, []).append(type_)

    def type_of(self, name: str) -> str | None:
        if self.star_import or name in self.unsafe:
            return None
        types = set(self.bindings.get(name, ()))
        return types.pop() if len(types) == 1 else None


# The walk is most of the time a view costs, so it does not use ast.iter_child_nodes (a generator
# over ast.iter_fields, another generator): each node class's child fields are looked up once.
# Operators and load/store contexts are no children here: they sit only in the fields named below.
_NOT_CHILDREN = frozenset({"ctx", "op", "ops"})
# What can stand between an expression and a parenthesis wrapped around it.
_MAY_PRECEDE_PARENTHESIS = frozenset(" \t\f\r\n\\(")
_MAY_FOLLOW_PARENTHESIS = frozenset(" \t\f\r\n\\#)")
# node class → (_Builder's visit_<Class> or None, its child fields, whether to sort its children)
_VISITS: dict[type, tuple[Any, tuple[str, ...], bool]] = {}
# Nodes whose children ast lists in another order than the source's (Call and Dict too, which
# `visit` puts in order without sorting).
_OUT_OF_ORDER = (ast.IfExp, ast.arguments, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _child_fields(cls: type) -> tuple[str, ...]:
    return tuple(f for f in cls._fields if f not in _NOT_CHILDREN)


_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}


def walk_statements(node: ast.AST) -> Iterator[ast.AST]:
    """The statements under node (node included) in ast.walk's order, without walking through
    expressions: statements hold statements only in these blocks (and through except handlers
    and match cases), never inside an expression."""
    todo = deque([node])
    while todo:
        node = todo.popleft()
        cls = type(node)
        try:
            fields = _BLOCK_FIELDS[cls]
        except KeyError:
            fields = _BLOCK_FIELDS[cls] = tuple(f for f in cls._fields if f in _BLOCKS)
        for name in fields:
            value = getattr(node, name)
            if isinstance(value, list):
                todo.extend(value)
        yield node


def _pos_key(node: ast.AST) -> tuple[int, int]:
    line = getattr(node, "lineno", None)
    if line is not None:
        return line, node.col_offset
    for child in ast.iter_child_nodes(node):
        if hasattr(child, "lineno") or not isinstance(child, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
            key = _pos_key(child)
            if key != (1 << 30, 0):
                return key
    return 1 << 30, 0


class ViewParts:
    """What both Python view builders share (this one on `ast`, python_view's on libcst): the
    lists of the View, the scopes, and offsets as (line, col)."""

    def __init__(self, text: str, line_starts: list[int]) -> None:
        self.text = text
        self.line_starts = line_starts
        self.imports: list[dict] = []
        self.classes: list[dict] = []
        self.constructions: list[dict] = []
        self.calls: list[dict] = []
        self.identifier_counts: dict[str, int] = {}
        self.class_names: list[str] = []
        self.function_names: list[str] = []
        self.scopes = [Scope()]
        self.untyped_names: list[tuple[dict, str, Scope]] = []  # resolved once all are bound
        # `a.b.c` chains with a name at their head: (node, `a` or `self.b`); None where the builder
        # does not collect them (libcst's: the view then has no chains)
        self.chain_nodes: list[tuple[Any, str]] | None = None

    def view(self) -> dict[str, Any]:
        for value, name, scope in self.untyped_names:
            type_ = scope.type_of(name)
            if type_:
                value["type"] = type_
        view = {
            "imports": self.imports,
            "classes": self.classes,
            "constructions": self.constructions,
            "calls": self.calls,
            "identifier_counts": self.identifier_counts,
        }
        if self.chain_nodes is not None:
            view["chains"] = self._chains()
        return view

    def _line_col(self, offset: int) -> tuple[int, int]:
        return line_col_at(self.line_starts, offset)

    def _located(self, start: int, end: int, **fields: Any) -> dict[str, Any]:
        line, col = self._line_col(start)
        return {**fields, "span": [start, end], "line": line, "col": col}

    def _plain_value(self, kind: str, start: int, end: int) -> dict[str, Any]:
        starts = self.line_starts  # _located, written out: one value per expression of a call
        line = bisect.bisect_right(starts, start)
        return {"kind": kind, "text": self.text[start:end], "span": [start, end], "line": line,
                "col": start - starts[line - 1] + 1}


class _Builder(ViewParts):
    def __init__(self, text: str, bom: bool) -> None:
        super().__init__(text, line_starts(text))
        self.bom = 1 if bom else 0
        self.ascii = text.isascii()
        # a call's id → the target it is assigned to (its text is read only for a construction)
        self.assigned_to: dict[int, ast.expr] = {}
        self.owned: set[int] = set()  # offsets of the parentheses of calls and class bases
        self.chain_nodes = []
        self.postfix_parent: dict[int, ast.AST] = {}  # id of an expression → the `.x`, `[i]` or `(...)` applied to it

    def _chains(self) -> list[dict[str, Any]]:
        """The chains that start with an imported name (`vpc.Subnet`) or with what a construction
        is assigned to (`bucket.arn`, `self.vpc.id`), each with the indexes, calls and members
        applied after it (`azs.names[0]`, `cluster.identity[0].oidc[0].issuer`): the TypeScript
        view's `chains` (docs/cdktf-view.md)."""
        heads = {c["var"] for c in self.constructions if c.get("var")}
        for imp in self.imports:
            heads.update(n["local"] for n in imp["names"])
            if imp.get("namespace"):
                heads.add(imp["namespace"])
        out = []
        for node, key in self.chain_nodes:
            if key not in heads:
                continue
            start, end = self._raw(node)
            chain = self._located(start, end, text=self.text[start:end], type=False, after=[])
            current, parent = node, self.postfix_parent.get(id(node))
            while parent is not None:
                outer_end = self._raw(parent)[1]
                if type(parent) is ast.Subscript:
                    index = self._raw(parent.slice)
                    segment = {"kind": "index", "text": self.text[index[0] : index[1]]}
                elif type(parent) is ast.Call:
                    segment = {"kind": "call", "args": [self._text(a) for a in parent.args]}
                else:
                    segment = {"kind": "prop", "name": parent.attr}
                chain["after"].append({**segment, "span": [end, outer_end]})
                current, end = parent, outer_end
                parent = self.postfix_parent.get(id(current))
            if not chain["after"]:
                del chain["after"]
            out.append(chain)
        return out

    # -- positions --------------------------------------------------------------------------
    def _offset(self, line: int, byte_col: int) -> int:
        skip = self.bom if line == 1 else 0
        if self.ascii:
            return self.line_starts[line - 1] + skip + byte_col
        return char_offset(self.text, self.line_starts, line, byte_col, skip)

    def _raw(self, node: ast.AST) -> tuple[int, int]:
        if self.ascii and not self.bom:  # columns are characters: no decoding (most files)
            starts = self.line_starts
            return starts[node.lineno - 1] + node.col_offset, starts[node.end_lineno - 1] + node.end_col_offset
        return self._offset(node.lineno, node.col_offset), self._offset(node.end_lineno, node.end_col_offset)

    def _skip_back(self, i: int) -> int:
        """The index just after the last character before i that is no blank or comment.
        Line by line (rstrip), not character by character: most values start a line."""
        text = self.text
        line_start = text.rfind("\n", 0, i) + 1
        while True:
            kept = text[line_start:i].rstrip(" \t\f\r\\")
            if kept:
                return line_start + len(kept)
            if line_start == 0:
                return 0
            i = line_start - 1  # the line before, up to the comment that may end it
            line_start = text.rfind("\n", 0, i) + 1
            hash_at = _comment_start(text, line_start, i)
            if hash_at is not None:
                i = hash_at

    def _skip_fwd(self, i: int) -> int:
        text, n = self.text, len(self.text)
        while i < n:
            ch = text[i]
            if ch in " \t\f\r\n\\":
                i += 1
            elif ch == "#":
                j = text.find("\n", i)
                i = n if j < 0 else j
            else:
                break
        return i

    def _wrap(self, start: int, end: int) -> tuple[int, int]:
        """Widen (start, end) over the parentheses wrapped around it. An opening parenthesis that
        belongs to a parent (a call's own, a class's bases') is never taken."""
        text = self.text
        while True:
            if start and text[start - 1] not in _MAY_PRECEDE_PARENTHESIS:
                return start, end  # `x=`, `[`, `,` ...: nothing wraps it (most values)
            if end >= len(text) or text[end] not in _MAY_FOLLOW_PARENTHESIS:
                return start, end  # `,`, `]`, `.` ...: nothing wraps it (most of the others)
            # `f(x)`: the parenthesis right before is found without the line-by-line search
            before = start if text[start - 1] == "(" else self._skip_back(start)
            if before == 0 or text[before - 1] != "(" or before - 1 in self.owned:
                return start, end
            after = self._skip_fwd(end)
            if after >= len(text) or text[after] != ")":
                return start, end
            start, end = before - 1, after + 1

    def _span(self, node: ast.AST, raw: tuple[int, int] | None = None) -> tuple[int, int]:
        start, end = raw or self._raw(node)
        if isinstance(node, ast.Tuple) and self.text[start] == "(":
            return start, end  # ast's tuple position has its parentheses already
        if isinstance(node, ast.GeneratorExp):
            raise _Unsupported("generator expression")
        return self._wrap(start, end)

    def _statement_span(self, node: ast.stmt) -> list[int]:
        start, end = self._raw(node)
        i = end
        while i < len(self.text) and self.text[i] in " \t\f":
            i += 1
        if i < len(self.text) and self.text[i] == ";":
            end = i + 1
        return [start, end]

    # -- values -----------------------------------------------------------------------------
    def _value(self, node: ast.expr) -> dict[str, Any]:
        raw = self._raw(node)
        value = self._plain_value("expr", *self._span(node, raw))
        cls = type(node)
        if cls is ast.Constant:
            v = node.value
            if isinstance(v, str):
                if self._single_string(*raw):
                    value["kind"] = "string"
                    value["value"] = v
            elif isinstance(v, bool):
                value.update(kind="bool", value=v)
            elif v is None:
                value.update(kind="null", value=None)
            elif isinstance(v, (int, float)):
                value.update(kind="number", value=v)
        elif cls is ast.Name:
            self.untyped_names.append((value, node.id, self.scopes[-1]))
        elif cls is ast.JoinedStr:
            if self._single_string(*raw):
                value["kind"] = "template"
        elif cls is ast.Dict:
            value.update(kind="object", props=self._dict_props(node))
        elif cls is ast.List or cls is ast.Tuple:
            value.update(kind="array", items=[self._value(el) for el in node.elts])
        elif cls is ast.UnaryOp and isinstance(node.op, (ast.USub, ast.UAdd)) and _is_number(node.operand):
            magnitude = node.operand.value
            value.update(kind="number", value=-magnitude if isinstance(node.op, ast.USub) else magnitude)
        return value

    def _single_string(self, start: int, end: int) -> bool:
        """Whether the string node at text[start:end] (ast's own span) is one literal, not
        several concatenated (libcst's SimpleString/FormattedString)."""
        return _string_end(self.text, start) == end

    def _dict_props(self, node: ast.Dict) -> list[dict]:
        props = []
        for key, val in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and self._single_string(*self._raw(key)):
                key_start, key_end = self._span(key)
                value = self._value(val)
                props.append({"key": key.value, "key_span": [key_start, key_end], "value": value,
                              "span": [key_start, value["span"][1]]})
        return props

    def _call_fields(self, call: ast.Call) -> dict[str, Any]:
        """What a Call records (with the callee's span, which only a Construction keeps: the
        TypeScript worker gives a Call none). The call's own parenthesis is owned already."""
        callee_start, callee_end = self._span(call.func)
        start, end = self._span(call)
        args = [self._plain_value("expr", *self._raw(arg)) if type(arg) is ast.Starred else self._value(arg)
                for arg in call.args]
        line = bisect.bisect_right(self.line_starts, start)
        return {"callee": self.text[callee_start:callee_end], "callee_span": [callee_start, callee_end], "args": args,
                "span": [start, end], "line": line, "col": start - self.line_starts[line - 1] + 1,
                "enclosing_class": self.class_names[-1] if self.class_names else None}

    def _construction(self, call: ast.Call, opening: int) -> dict[str, Any]:
        """What a Construction records besides a Call's fields: the keyword arguments as one
        object, the callee's span, the function it is built in and what it is assigned to."""
        record = self._call_fields(call)
        props = []
        for kw in call.keywords:
            if kw.arg is None:
                continue
            key_start = self._offset(kw.lineno, kw.col_offset)
            key_end = _IDENT.match(self.text, key_start).end()
            value = self._value(kw.value)
            props.append({"key": self.text[key_start:key_end], "key_span": [key_start, key_end], "value": value,
                          "span": [key_start, value["span"][1]]})
        config = None
        if props:
            closing = self._raw(call)[1] - 1
            config = self._plain_value("object", opening + 1, closing)
            config["props"] = props
        record["config"] = config
        record["enclosing_function"] = self.function_names[-1] if self.function_names else None
        target = self.assigned_to.get(id(call))
        record["var"] = None if target is None else self._text(target)
        return record

    # -- the walk, in source order ------------------------------------------------------------
    def visit_body(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.visit(stmt)

    def visit(self, node: ast.AST) -> None:
        """The node's visit_<Class> method, then (unless it returns False) its children in
        source order. One function for both: this runs for every node of every file."""
        cls = type(node)
        try:
            method, fields, reorder = _VISITS[cls]
        except KeyError:
            method, fields, reorder = _VISITS[cls] = (
                getattr(_Builder, "visit_" + cls.__name__, None), _child_fields(cls), issubclass(cls, _OUT_OF_ORDER)
            )
        if method is not None and method(self, node) is False:
            return
        if cls is ast.Call:  # out of order only when a keyword comes before a positional argument
            visit_child = self._visit_child
            self.postfix_parent[id(node.func)] = node
            visit_child(node.func)
            args, keywords = node.args, node.keywords
            if args and keywords and _pos_key(args[-1]) > _pos_key(keywords[0]):
                for child in sorted([*args, *keywords], key=_pos_key):
                    visit_child(child)
                return
            for child in args:
                visit_child(child)
            for child in keywords:
                visit_child(child)
            return
        if cls is ast.Dict:  # each key (None for `**x`) before its value
            visit_child = self._visit_child
            for key, value in zip(node.keys, node.values):
                if key is not None:
                    visit_child(key)
                visit_child(value)
            return
        if reorder:
            children: list[ast.AST] = []
            for name in fields:
                value = getattr(node, name)
                if isinstance(value, list):
                    children += [item for item in value if isinstance(item, ast.AST)]
                elif isinstance(value, ast.AST):
                    children.append(value)
            if len(children) > 1:
                children.sort(key=_pos_key)
            for child in children:
                self._visit_child(child)
            return
        for name in fields:  # ast lists these nodes' fields in source order
            value = getattr(node, name)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self._visit_child(item)
            elif isinstance(value, ast.AST):
                self._visit_child(value)

    def _visit_child(self, node: ast.AST) -> None:
        """visit(), with the commonest nodes done in line (names and constants are half of all
        nodes): a call less for each."""
        cls = type(node)
        if cls is ast.Name:
            counts = self.identifier_counts
            counts[node.id] = counts.get(node.id, 0) + 1
        elif cls is ast.Constant:
            self.visit_Constant(node)
        elif cls is ast.Attribute:  # `.attr` is no reference
            self._chain(node)
        elif cls is ast.keyword:  # nor is `arg=`
            self._visit_child(node.value)
        else:
            self.visit(node)

    def _count(self, name: str) -> None:
        self.identifier_counts[name] = self.identifier_counts.get(name, 0) + 1

    def visit_Name(self, node: ast.Name) -> None:
        self._count(node.id)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if value is None or value is True or value is False:
            self._count(repr(value))  # True, False and None are names to libcst

    def visit_Attribute(self, node: ast.Attribute) -> bool:
        self._chain(node)  # `.attr` is no identifier reference
        return False

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.postfix_parent[id(node.value)] = node

    def _chain(self, node: ast.Attribute) -> None:
        """Note the chain `node` (`a.b.c`, not part of a longer one) and visit what is under it."""
        parents = self.postfix_parent
        inner, second = node.value, node
        parents[id(inner)] = node
        while type(inner) is ast.Attribute:
            inner, second = inner.value, inner
            parents[id(inner)] = second
        if type(inner) is ast.Name:
            key = f"self.{second.attr}" if inner.id == "self" and second is not node else inner.id
            self.chain_nodes.append((node, key))
        self._visit_child(inner)

    def visit_keyword(self, node: ast.keyword) -> bool:
        self._visit_child(node.value)
        return False

    # -- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> bool:
        span = self._statement_span(node)
        line = self._line_col(span[0])[0]
        for alias in node.names:
            module = alias.name
            self.imports.append({"module": module, "span": span, "line": line, "names": [],
                                 "namespace": alias.asname or module})
            self.scopes[-1].bind(alias.asname or module.split(".")[0])
        return False

    def visit_ImportFrom(self, node: ast.ImportFrom) -> bool:
        span = self._statement_span(node)
        module = "." * node.level + (node.module or "")
        entry: dict[str, Any] = {"module": module, "span": span, "line": self._line_col(span[0])[0], "names": []}
        if len(node.names) == 1 and node.names[0].name == "*":
            entry["star"] = True
            self.scopes[-1].star_import = True
        else:
            for alias in node.names:
                if getattr(alias, "lineno", None) is None:
                    raise _Unsupported("alias without a position (Python < 3.10)")
                local = alias.asname or alias.name
                entry["names"].append({"name": alias.name, "local": local, "span": list(self._raw(alias))})
                self.scopes[-1].bind(local)
        self.imports.append(entry)
        return False

    # -- classes and functions --------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> bool:
        for decorator in node.decorator_list:
            self.visit(decorator)
        bases = []
        if node.bases or node.keywords:
            self.owned.add(self.text.index("(", self._offset(node.lineno, node.col_offset)))
        for base in node.bases:
            if not isinstance(base, ast.Starred):
                start, end = self._span(base)
                bases.append({"name": self.text[start:end], "span": [start, end]})
        start = self._offset(node.lineno, node.col_offset)
        end = self._raw(node.body[-1])[1] if node.body else self._raw(node)[1]
        self.classes.append(self._located(start, self._statement_end(node.body[-1], end), name=node.name, bases=bases))
        self.scopes[-1].bind(node.name)
        self._count(node.name)
        for child in sorted([*node.bases, *node.keywords], key=_pos_key):
            self.visit(child)
        self.class_names.append(node.name)
        self.scopes.append(Scope())
        self.visit_body(node.body)
        self.class_names.pop()
        self.scopes.pop()
        return False

    def _statement_end(self, last: ast.stmt, end: int) -> int:
        """libcst ends a compound statement with its body's last small statement's `;`."""
        if isinstance(last, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
                             ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)) or hasattr(ast, "TryStar") and isinstance(last, getattr(ast, "TryStar")):
            body = getattr(last, "finalbody", None) or getattr(last, "orelse", None) or getattr(last, "handlers", None) or getattr(last, "cases", None) or last.body
            inner = body[-1]
            if isinstance(inner, ast.ExceptHandler):
                inner = inner.body[-1]
            elif isinstance(inner, ast.match_case):
                inner = inner.body[-1]
            return self._statement_end(inner, end)
        return self._statement_span(last)[1]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> bool:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.scopes[-1].bind(node.name)
        self._count(node.name)
        self._visit_params(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self.function_names.append(node.name)
        scope = Scope()
        for param, starred in _all_params(node.args):
            annotated = param.annotation is not None and not starred
            scope.bind(param.arg, _annotation_type(param.annotation) if annotated else None)
        self.scopes.append(scope)
        self.visit_body(node.body)
        self.function_names.pop()
        self.scopes.pop()
        return False

    visit_AsyncFunctionDef = visit_FunctionDef

    def _visit_params(self, args: ast.arguments) -> None:
        """Parameter names, annotations and defaults, in source order."""
        items: list[ast.AST] = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        items += [a for a in (args.vararg, args.kwarg) if a is not None]
        items += list(args.defaults) + [d for d in args.kw_defaults if d is not None]
        for item in sorted(items, key=_pos_key):
            if isinstance(item, ast.arg):
                self._count(item.arg)
                if item.annotation is not None:
                    self.visit(item.annotation)
            else:
                self.visit(item)

    def visit_Lambda(self, node: ast.Lambda) -> bool:
        for param, _ in _all_params(node.args):
            self.scopes[-1].bind(param.arg)
        self._visit_params(node.args)
        self.visit(node.body)
        return False

    # -- calls ------------------------------------------------------------------------------
    def _opening(self, call: ast.Call) -> int:
        opening = self.text.index("(", self._raw(call.func)[1])
        self.owned.add(opening)
        return opening

    def visit_Call(self, node: ast.Call) -> None:
        opening = self._opening(node)
        if _last_name(node.func)[:1].isupper():
            self.constructions.append(self._construction(node, opening))

    def visit_Expr(self, node: ast.Expr) -> None:
        if type(node.value) is ast.Call:
            self._opening(node.value)
            call = self._call_fields(node.value)
            del call["callee_span"]
            call["statement_span"] = self._statement_span(node)
            self.calls.append(call)

    # -- bindings -----------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind_target(target, _literal_type(node.value, self))
        if len(node.targets) == 1 and isinstance(node.value, ast.Call):
            self.assigned_to[id(node.value)] = node.targets[0]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._bind_target(node.target, _annotation_type(node.annotation))
        if isinstance(node.value, ast.Call):
            self.assigned_to[id(node.value)] = node.target

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._bind_target(node.target)

    def visit_For(self, node: ast.For) -> None:
        self._bind_target(node.target)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._bind_target(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind_target(node.target)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._bind_target(target)

    def visit_withitem(self, node: ast.withitem) -> None:
        self._bind_target(node.optional_vars)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.scopes[-1].bind(node.name)
            self._count(node.name)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.scopes[-1].bind(node.name)
            self._count(node.name)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.scopes[-1].bind(node.name)
            self._count(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.scopes[-1].bind(node.rest)
            self._count(node.rest)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:
            self._count(name)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._count(name)
            for scope in self.scopes:
                scope.unsafe.add(name)

    visit_Nonlocal = visit_Global

    def _bind_target(self, target: ast.AST | None, type_: str | None = None) -> None:
        for name, typed in _bound_names(target):
            self.scopes[-1].bind(name, type_ if typed else None)

    def _text(self, node: ast.AST) -> str:
        start, end = self._span(node)
        return self.text[start:end]


def char_offset(text: str, starts: list[int], line: int, byte_col: int, skip: int = 0) -> int:
    """Where `ast`'s (line, UTF-8 byte column) is in the text, as a code-point offset; `skip`:
    characters at the line's start that ast did not see (a byte-order mark)."""
    start = starts[line - 1] + skip
    prefix = text[start : starts[line] if line < len(starts) else len(text)]
    if prefix.isascii():
        return start + byte_col
    return start + len(prefix.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


def _comment_start(text: str, line_start: int, end: int) -> int | None:
    """Where the `#` comment that ends the line text[line_start:end] starts, if it ends in one."""
    line = text[line_start:end]
    if "#" not in line:
        return None
    if '"""' in line or "'''" in line:
        raise _Unsupported("comment beside a triple-quoted string")
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line_start + i
        i += 1
    return None


def _string_end(text: str, start: int) -> int:
    """The end of the one string literal starting at `start` (3.11 f-strings cannot nest the
    quote that closes them, so the first unescaped closing quote ends the literal)."""
    i = _STRING_PREFIX.match(text, start).end()
    quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else text[i]
    j = i + len(quote)
    n = len(text)
    while j < n:
        close = text.find(quote, j)
        escape = text.find("\\", j, close if close >= 0 else n)
        if escape < 0:
            return close + len(quote) if close >= 0 else n
        j = escape + 2  # the escaped character cannot close the literal
    return n


def _bound_names(target: ast.AST | None) -> Iterator[tuple[str, bool]]:
    if isinstance(target, ast.Name):
        yield target.id, True
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            for name, _ in _bound_names(element):
                yield name, False
    elif isinstance(target, ast.Starred):
        for name, _ in _bound_names(target.value):
            yield name, False


def _all_params(args: ast.arguments) -> Iterator[tuple[ast.arg, bool]]:
    for param in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        yield param, False
    for star in (args.vararg, args.kwarg):
        if star is not None:
            yield star, True


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_number(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _literal_type(node: ast.expr, builder: _Builder) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return "boolean"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "string"  # libcst: a str literal, simple, formatted or concatenated
    if isinstance(node, ast.JoinedStr):
        return "string"
    if _is_number(node):
        return "number"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) and _is_number(node.operand):
        return "number"
    return None


def _annotation_type(annotation: ast.expr) -> str | None:
    types = {ANNOTATION_TYPES.get(member.id) if isinstance(member, ast.Name) else None
             for member in _union_members(annotation)
             if not (isinstance(member, ast.Name) and member.id == "None")
             and not (isinstance(member, ast.Constant) and member.value is None)}
    return types.pop() if len(types) == 1 else None


def _union_members(annotation: ast.expr) -> Iterator[ast.expr]:
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        yield from _union_members(annotation.left)
        yield from _union_members(annotation.right)
    elif isinstance(annotation, ast.Subscript) and _last_name(annotation.value) in ("Optional", "Union"):
        elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) and not _parenthesised_tuple(annotation.slice) else [annotation.slice]
        for element in elements:
            yield element
    else:
        yield annotation


def _parenthesised_tuple(node: ast.Tuple) -> bool:
    return False
