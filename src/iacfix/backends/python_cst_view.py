"""The CDKTF view of a Python file from libcst, for what CPython's `ast` cannot read (a syntax
error, syntax newer than the running Python, a few rare shapes: python_view.read decides).

Its own module so that a run whose files `ast` reads never imports libcst (0.2 s a process).
libcst reports positions as (line, column) pairs; spans here are code-point offsets into the
exact text that was parsed, so a fixer can slice and splice that text directly.
"""

from __future__ import annotations

import ast
import warnings
from typing import Any, Iterator

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from iacfix.backends.python_ast_view import ANNOTATION_TYPES, PythonSyntaxError, Scope, ViewParts
from iacfix.textedit import line_starts


def extract_view_libcst(text: str) -> dict[str, Any]:
    """The same View, from libcst and its PositionProvider (50-100 ms a file)."""
    module = _parse(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    builder = _ViewBuilder(text, wrapper.resolve(PositionProvider))
    module.visit(builder)
    return builder.view()


def parse_errors(text: str) -> list[dict[str, Any]]:
    """[] when the text parses, else the one syntax error libcst stops at."""
    try:
        _parse(text)
    except PythonSyntaxError as err:
        return [{"line": err.line, "col": err.col, "message": err.message}]
    return []


def _parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as err:
        raise _syntax_error(text, err) from err


def _syntax_error(text: str, err: cst.ParserSyntaxError) -> PythonSyntaxError:
    # libcst's native parser often reports column 0, or line 1 for tokenizer errors, so the
    # position (and the friendlier message) come from CPython's parser when it agrees the text
    # is broken; its offset is 1-based and counts code points.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as cpython:
        if cpython.lineno:
            return PythonSyntaxError(cpython.lineno, cpython.offset or 1, cpython.msg)
    except (ValueError, RecursionError, MemoryError):
        pass
    return PythonSyntaxError(err.raw_line, err.raw_column + 1, err.message)


class _ViewBuilder(cst.CSTVisitor, ViewParts):
    def __init__(self, text: str, positions: Any) -> None:
        cst.CSTVisitor.__init__(self)
        starts = line_starts(text)
        if text.startswith("\ufeff"):
            # libcst drops a byte-order mark, so its line-1 columns start after it.
            starts[0] = 1
        ViewParts.__init__(self, text, starts)
        self.positions = positions
        self.assigned_to: dict[cst.Call, str] = {}  # call → text of its single assignment target
        self.uncounted_depth = 0  # > 0 while visiting a Name that is no identifier reference

    # -- positions --------------------------------------------------------------------------
    def _offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column

    def _start(self, node: cst.CSTNode) -> int:
        start = self.positions[node].start
        return self._offset(start.line, start.column)

    def _end(self, node: cst.CSTNode) -> int:
        end = self.positions[node].end
        return self._offset(end.line, end.column)

    def _span(self, node: cst.CSTNode) -> tuple[int, int]:
        """The node with its own parentheses: libcst leaves them out of its position."""
        lpar, rpar = getattr(node, "lpar", ()), getattr(node, "rpar", ())
        return self._start(lpar[0] if lpar else node), self._end(rpar[-1] if rpar else node)

    def _statement_span(self, node: cst.BaseSmallStatement) -> list[int]:
        """A small statement with its trailing `;`, which libcst positions separately."""
        last = node.semicolon if isinstance(node.semicolon, cst.Semicolon) else node
        return [self._start(node), self._end(last)]

    # -- values -----------------------------------------------------------------------------
    def _value(self, node: cst.BaseExpression) -> dict[str, Any]:
        value = self._plain_value("expr", *self._span(node))
        if isinstance(node, cst.SimpleString) and _is_text_string(node):
            value.update(kind="string", value=node.evaluated_value)
        elif isinstance(node, cst.FormattedString):
            value["kind"] = "template"
        elif _is_number(node):
            value.update(kind="number", value=_number_value(node))
        elif isinstance(node, cst.Name) and node.value in ("True", "False"):
            value.update(kind="bool", value=node.value == "True")
        elif isinstance(node, cst.Name) and node.value == "None":
            value.update(kind="null", value=None)
        elif isinstance(node, cst.Dict):
            value.update(kind="object", props=self._dict_props(node))
        elif isinstance(node, (cst.List, cst.Tuple)):
            # A `*rest` element stays in as an "expr" so that later indices keep their meaning.
            value.update(kind="array", items=[self._value(el.value if isinstance(el, cst.Element) else el)
                                              for el in node.elements])
        elif isinstance(node, cst.Name):
            self.untyped_names.append((value, node.value, self.scopes[-1]))
        return value

    def _prop(self, key: str, key_node: cst.CSTNode, value_node: cst.BaseExpression) -> dict:
        key_start, key_end = self._span(key_node)
        value = self._value(value_node)
        return {"key": key, "key_span": [key_start, key_end], "value": value,
                "span": [key_start, value["span"][1]]}

    def _dict_props(self, node: cst.Dict) -> list[dict]:
        return [self._prop(el.key.evaluated_value, el.key, el.value)
                for el in node.elements
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)
                and _is_text_string(el.key)]

    def _positional_args(self, call: cst.Call) -> list[dict]:
        # `*rest` stays in, as an "expr" over the starred text, so later indices keep meaning.
        return [self._value(arg.value) if not arg.star else self._plain_value("expr", *self._span(arg))
                for arg in call.args if arg.keyword is None and arg.star != "**"]

    def _keyword_config(self, call: cst.Call) -> dict | None:
        """The keyword arguments as one object Value spanning everything between the parens."""
        props = [self._prop(arg.keyword.value, arg.keyword, arg.value)
                 for arg in call.args if arg.keyword is not None]
        if not props:
            return None
        opening = self.text.index("(", self._span(call.func)[1])
        closing = self._end(call) - 1
        return {**self._plain_value("object", opening + 1, closing), "props": props}

    def _call_fields(self, call: cst.Call) -> dict[str, Any]:
        callee_start, callee_end = self._span(call.func)
        return self._located(
            *self._span(call),
            callee=self.text[callee_start:callee_end],
            callee_span=[callee_start, callee_end],
            args=self._positional_args(call),
            config=self._keyword_config(call),
            enclosing_class=self.class_names[-1] if self.class_names else None,
            enclosing_function=self.function_names[-1] if self.function_names else None,
        )

    # -- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        span = self._statement_span(node)
        line = self._line_col(span[0])[0]
        for alias in node.names:
            module = get_full_name_for_node(alias.name) or ""
            namespace = alias.evaluated_alias or module
            self.imports.append({"module": module, "span": span, "line": line, "names": [],
                                 "namespace": namespace})
            self.scopes[-1].bind(alias.evaluated_alias or module.split(".")[0])
        return False  # names inside imports are not identifier references

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        span = self._statement_span(node)
        dotted = get_full_name_for_node(node.module) if node.module else None
        module = "." * len(node.relative) + (dotted or "")
        entry: dict[str, Any] = {"module": module, "span": span,
                                 "line": self._line_col(span[0])[0], "names": []}
        if isinstance(node.names, cst.ImportStar):
            entry["star"] = True
            self.scopes[-1].star_import = True
        else:
            for alias in node.names:
                local = alias.evaluated_alias or alias.evaluated_name
                entry["names"].append({"name": alias.evaluated_name, "local": local,
                                       "span": list(self._span(alias))})
                self.scopes[-1].bind(local)
        self.imports.append(entry)
        return False

    # -- classes and functions --------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = []
        for arg in node.bases:
            if arg.keyword is None and not arg.star:
                start, end = self._span(arg.value)
                bases.append({"name": self.text[start:end], "span": [start, end]})
        self.classes.append(self._located(self._start(node), self._end(node),
                                          name=node.name.value, bases=bases))
        self.scopes[-1].bind(node.name.value)

    # The body visitors, not the def visitors, open the scope: decorators, bases, defaults and
    # annotations are evaluated in the enclosing one.
    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self.class_names.append(node.name.value)
        self.scopes.append(Scope())

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self.class_names.pop()
        self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes[-1].bind(node.name.value)

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.function_names.append(node.name.value)
        scope = Scope()
        for param, starred in _all_params(node.params):
            # `*args` / `**kwargs` are a tuple / dict whatever their annotation says.
            annotated = param.annotation and not starred
            scope.bind(param.name.value, _annotation_type(param.annotation.annotation) if annotated else None)
        self.scopes.append(scope)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.function_names.pop()
        self.scopes.pop()

    # -- calls ------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not _last_name(node.func)[:1].isupper():
            return
        self.constructions.append({**self._call_fields(node), "var": self.assigned_to.get(node)})

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Call):
            call = node.value
            self.calls.append(self._located(*self._span(call), callee=self._text(call.func),
                                            args=self._positional_args(call),
                                            enclosing_class=self.class_names[-1] if self.class_names else None,
                                            statement_span=self._statement_span(node)))

    # -- bindings: every way a name gets (re)bound, so a type is only claimed when all agree --
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, _literal_type(node.value))
        if len(node.targets) == 1 and isinstance(node.value, cst.Call):
            self.assigned_to[node.value] = self._text(node.targets[0].target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, _annotation_type(node.annotation.annotation))
        if isinstance(node.value, cst.Call):
            self.assigned_to[node.value] = self._text(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target)  # comprehension scopes are folded into the enclosing one

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind_target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._bind_target(node.name)  # with … as x, except … as x (import aliases never get here)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        for param, _ in _all_params(node.params):
            self.scopes[-1].bind(param.name.value)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        self._bind_target(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        self._bind_target(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        self._bind_target(node.rest)

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        self._bind_target(node.name)

    def visit_Global(self, node: cst.Global) -> None:
        self._declare_outer(node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self._declare_outer(node.names)

    def _declare_outer(self, items: Any) -> None:
        # The name is rebindable from another scope: no scope on the way can vouch for its type.
        for item in items:
            for scope in self.scopes:
                scope.unsafe.add(item.name.value)

    def _bind_target(self, target: cst.CSTNode | None, type_: str | None = None) -> None:
        for name, typed in _bound_names(target):
            self.scopes[-1].bind(name, type_ if typed else None)

    def _text(self, node: cst.CSTNode) -> str:
        start, end = self._span(node)
        return self.text[start:end]

    # -- identifier counts ------------------------------------------------------------------
    def visit_Name(self, node: cst.Name) -> None:
        if not self.uncounted_depth:
            self.identifier_counts[node.value] = self.identifier_counts.get(node.value, 0) + 1

    # `a.b`'s `b` and a keyword argument's name are Name nodes, yet no reference to an identifier.
    def visit_Attribute_attr(self, node: cst.Attribute) -> None:
        self.uncounted_depth += 1

    def leave_Attribute_attr(self, node: cst.Attribute) -> None:
        self.uncounted_depth -= 1

    def visit_Arg_keyword(self, node: cst.Arg) -> None:
        self.uncounted_depth += 1

    def leave_Arg_keyword(self, node: cst.Arg) -> None:
        self.uncounted_depth -= 1


# -- helpers on nodes ---------------------------------------------------------------------------
def _bound_names(target: cst.CSTNode | None) -> Iterator[tuple[str, bool]]:
    """The names an assignment target binds; True for a plain name, whose type the assigned
    value gives, False for one unpacked from a tuple or list."""
    if isinstance(target, cst.Name):
        yield target.value, True
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            for name, _ in _bound_names(element.value):
                yield name, False
    elif isinstance(target, cst.StarredElement):
        for name, _ in _bound_names(target.value):
            yield name, False


def _all_params(params: cst.Parameters) -> Iterator[tuple[cst.Param, bool]]:
    """Each parameter, with True for `*args` / `**kwargs`."""
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        yield param, False
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            yield star, True


def _last_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return ""


def _is_text_string(node: cst.BaseExpression) -> bool:
    """A str (not bytes) literal, simple, formatted or implicitly concatenated."""
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return _is_text_string(node.left) and _is_text_string(node.right)
    return isinstance(node, cst.FormattedString)


def _is_number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    return isinstance(node, (cst.Integer, cst.Float))


def _number_value(node: cst.BaseExpression) -> int | float:
    if isinstance(node, cst.UnaryOperation):
        magnitude = node.expression.evaluated_value
        return -magnitude if isinstance(node.operator, cst.Minus) else magnitude
    return node.evaluated_value


def _literal_type(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return "boolean"
    if _is_text_string(node):
        return "string"
    return "number" if _is_number(node) else None


def _annotation_type(annotation: cst.BaseExpression) -> str | None:
    """bool / str / int / float, also inside Optional[…], Union[…, None] or `… | None`."""
    types = {ANNOTATION_TYPES.get(member.value) if isinstance(member, cst.Name) else None
             for member in _union_members(annotation)
             if not (isinstance(member, cst.Name) and member.value == "None")}
    return types.pop() if len(types) == 1 else None


def _union_members(annotation: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        yield from _union_members(annotation.left)
        yield from _union_members(annotation.right)
    elif isinstance(annotation, cst.Subscript) and _last_name(annotation.value) in ("Optional", "Union"):
        for element in annotation.slice:
            if isinstance(element.slice, cst.Index):
                yield from _union_members(element.slice.value)
            else:
                yield element.slice  # a slice `a:b`: no type, and keeps the result None
    else:
        yield annotation
