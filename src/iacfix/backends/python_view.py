"""The CDKTF view (docs/cdktf-view.md) of a Python source file: built from CPython's `ast`
(python_ast_view), from libcst (python_cst_view) where `ast` cannot read the file.

Spans are code-point offsets into the exact text that was parsed, so a fixer can slice and
splice that text directly.
"""

from __future__ import annotations

import ast
from typing import Any

from iacfix.backends.python_ast_view import PythonSyntaxError


def extract_view(text: str) -> dict[str, Any]:
    """The View dict of docs/cdktf-view.md for one Python file (text already \\n-normalised).

    CPython's `ast` builds it (python_ast_view, a few ms a file); libcst only for what that
    cannot read (a syntax error, syntax newer than this Python, a few rare shapes)."""
    return read(text)[0]


def read(text: str) -> tuple[dict[str, Any], ast.Module | None]:
    """The View, and the `ast` tree it was built from (None when libcst built it)."""
    from iacfix.backends import python_ast_view

    tree, refusal = python_ast_view.parse_or_refusal(text)
    if tree is not None:
        view = python_ast_view.view_of(text, tree)
        if view is not None:
            return view, tree
    elif expression_depth_bound(text) > LIBCST_MAX_DEPTH:
        # libcst's native parser recurses on the C stack as deep as the code nests, and a deep
        # enough text crashes the process: CPython's own word stands for such a file.
        raise PythonSyntaxError(refusal.lineno or 1, refusal.offset or 1, refusal.msg or str(refusal))
    return extract_view_libcst(text), None


# How deep (brackets, plus operators chained in one statement) a text may nest and still be
# given to libcst: 5,000 terms took it 14 s, 10,000 crashed the process with the default stack.
LIBCST_MAX_DEPTH = 300
_CHAINING = frozenset({"and", "or", "not", "if", "else", "lambda", "await", "in", "is", "for"})
_NOT_CHAINING = frozenset({",", ":", ";", "=", "(", ")", "[", "]", "{", "}", "->", "**=", "*=", "+=", "-=", "/="})


def expression_depth_bound(text: str) -> int:
    """An upper bound of how deep the text nests: per logical line, its indentation plus every
    opening bracket, operator and chaining keyword in it (its tree can nest no deeper). Read
    with `tokenize` up to where it gives up (a syntax error); the rest counts as flat."""
    import io
    import tokenize

    deepest = line_bound = indent = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, string = token.type, token.string
            if kind == tokenize.OP:
                if string not in _NOT_CHAINING or string in "([{":
                    line_bound += 1
            elif kind == tokenize.NAME and string in _CHAINING:
                line_bound += 1
            elif kind == tokenize.NEWLINE:
                line_bound = 0
            elif kind == tokenize.INDENT:
                indent += 1
            elif kind == tokenize.DEDENT:
                indent -= 1
            deepest = max(deepest, indent + line_bound)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return deepest


def extract_view_libcst(text: str) -> dict[str, Any]:
    """The same View, from libcst and its PositionProvider (50-100 ms a file)."""
    from iacfix.backends.python_cst_view import extract_view_libcst

    return extract_view_libcst(text)


def parse_errors(text: str) -> list[dict[str, Any]]:
    """[] when the text parses, else the one syntax error libcst stops at."""
    from iacfix.backends.python_cst_view import parse_errors

    return parse_errors(text)
