"""The CDKTF view (docs/cdktf-view.md) of a Python source file: built from CPython's `ast`
(python_ast_view), from libcst (python_cst_view) where `ast` cannot read the file.

Spans are code-point offsets into the exact text that was parsed, so a fixer can slice and
splice that text directly.
"""

from __future__ import annotations

import ast
from typing import Any

from iacfix.backends.python_ast_view import PythonSyntaxError  # noqa: F401  (raised by read)


def extract_view(text: str) -> dict[str, Any]:
    """The View dict of docs/cdktf-view.md for one Python file (text already \\n-normalised).

    CPython's `ast` builds it (python_ast_view, a few ms a file); libcst only for what that
    cannot read (a syntax error, syntax newer than this Python, a few rare shapes)."""
    return read(text)[0]


def read(text: str) -> tuple[dict[str, Any], ast.Module | None]:
    """The View, and the `ast` tree it was built from (None when libcst built it)."""
    from iacfix.backends import python_ast_view

    tree = python_ast_view.parse(text)
    view = python_ast_view.view_of(text, tree) if tree is not None else None
    return (view, tree) if view is not None else (extract_view_libcst(text), None)


def extract_view_libcst(text: str) -> dict[str, Any]:
    """The same View, from libcst and its PositionProvider (50-100 ms a file)."""
    from iacfix.backends.python_cst_view import extract_view_libcst

    return extract_view_libcst(text)


def parse_errors(text: str) -> list[dict[str, Any]]:
    """[] when the text parses, else the one syntax error libcst stops at."""
    from iacfix.backends.python_cst_view import parse_errors

    return parse_errors(text)
