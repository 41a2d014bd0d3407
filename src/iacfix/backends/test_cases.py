"""A CDKTF test file read as test cases and assertions (what the TEST rules judge).

The TypeScript view already lists every call statement (`test(...)`, `expect(x).toBe(y)`), so a
test case is a `test`/`it` call and its assertions the `expect(...)` calls inside it. Python
tests are read with the standard `ast` module: `test_*` functions, their `assert` statements and
`self.assert*` calls.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache

from iacfix.backends.base import ParsedFile
from iacfix.backends.python_ast_view import char_offset, walk_statements
from iacfix.textedit import line_starts

TEST_CALLEES = frozenset({"test", "it", "test.only", "it.only", "test.concurrent"})
_TS_TEST_FILE = re.compile(r"\.(test|spec)\.[jt]sx?$")
_PY_TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")
_INTEGRATION = re.compile(r"(^|/)(integration|integ|e2e)(/|$)|\.(int|integ|integration|e2e)\.(test|spec)\.[jt]sx?$")
# Comments, skipping over string literals (which are kept) so `'//'` in a string stays.
_COMMENTS = {
    "typescript": re.compile(r"(\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|//[^\n]*|/\*.*?\*/", re.S),
    "python": re.compile(r"(\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')|#[^\n]*"),
}


@dataclass
class Assertion:
    text: str  # the assertion as written: `expect(stack).toBeDefined()`, `assert stack is not None`
    subject: str  # what is asserted on: `stack`; for a Python `assert`, its whole test
    matcher: str  # `toBeDefined`, `not.toBeNull`; "assert", or the `self.assertX` method name
    constant: bool  # the subject is a literal (`expect(true)`, `assert False`): it can only pass or fail


@dataclass
class TestCase:
    name: str
    line: int
    col: int
    assertions: list[Assertion] = field(default_factory=list)
    other_statements: int = 0  # statements besides assertions, logging and `pass`


def is_test_file(rel: str) -> bool:
    return bool(_TS_TEST_FILE.search(rel) or _PY_TEST_FILE.search(rel))


def is_integration_test(rel: str) -> bool:
    return is_test_file(rel) and bool(_INTEGRATION.search(rel))


def code_without_comments(language: str, text: str) -> str:
    pattern = _COMMENTS.get(language)
    return pattern.sub(lambda m: m.group(1) or "", text) if pattern else text


def test_cases(file: ParsedFile) -> list[TestCase]:
    """The file's test cases (read once per version of its text, shared by the TEST rules)."""
    return list(file.derived("test_cases", _ts_cases if file.language == "typescript" else _py_cases))


# -- TypeScript -------------------------------------------------------------------------------

_EXPECT = re.compile(r"^expect\((?P<subject>.*)\)\.(?P<matcher>[\w.]+)$", re.S)
_TS_LITERAL = re.compile(r"^\s*(true|false|null|undefined|-?\d+(\.\d+)?|'[^']*'|\"[^\"]*\")\s*$")
_TS_NOISE = re.compile(r"^(console\.\w+|return)\b")


def _ts_cases(file: ParsedFile) -> list[TestCase]:
    calls = file.typed_view.calls if hasattr(file, "typed_view") else ()
    cases = []
    for call in calls:
        if call.callee not in TEST_CALLEES:
            continue
        args = call.args
        if len(args) < 2 or args[0].kind not in ("string", "template"):
            continue
        fn = args[1]
        start, end = fn.span
        inner = [c for c in calls if start <= c.span[0] and c.span[1] <= end]
        case = TestCase(str(args[0].value or args[0].text), call.line, call.col)
        body = code_without_comments("typescript", file.text[start:end])
        for c in inner:
            match = _EXPECT.match(c.callee)
            if match:
                subject = match.group("subject")
                case.assertions.append(Assertion(file.text[slice(*c.span)], subject, match.group("matcher"), bool(_TS_LITERAL.match(subject))))
        case.other_statements = _ts_statements(body) - len(case.assertions)
        cases.append(case)
    return cases


def _ts_statements(body: str) -> int:
    """Statements in a test function's block, not counting logging or a bare `return`."""
    block = body[body.find("{") + 1 : body.rfind("}")] if "{" in body else body
    depth, statements, current = 0, 0, []
    for ch in block:
        current.append(ch)
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if depth == 0 and ch in ";}\n":
            text = "".join(current).strip(" \t\n;")
            if text and not _TS_NOISE.match(text) and text not in ("}",):
                statements += 1
            current = []
    text = "".join(current).strip(" \t\n;")
    return statements + bool(text and not _TS_NOISE.match(text))


# -- Python -----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _layout(text: str) -> tuple[list[int], bool, bool]:
    """(where each line starts, whether the text is ASCII, whether it has a \\r): asked once
    per text, not at every segment."""
    return line_starts(text), text.isascii(), "\r" in text


def _segment(text: str, node: ast.AST) -> str | None:
    """ast.get_source_segment(text, node), without splitting the whole text into lines at every
    call (which made a big test file quadratic: seconds per file)."""
    starts, ascii_only, has_cr = _layout(text)
    if has_cr or getattr(node, "end_lineno", None) is None:
        return ast.get_source_segment(text, node)
    if ascii_only:  # byte columns are character columns
        return text[starts[node.lineno - 1] + node.col_offset : starts[node.end_lineno - 1] + node.end_col_offset]
    start = char_offset(text, starts, node.lineno, node.col_offset)
    return text[start : char_offset(text, starts, node.end_lineno, node.end_col_offset)]


def _py_cases(file: ParsedFile) -> list[TestCase]:
    try:
        tree = ast.parse(file.text)
    except SyntaxError:
        return []
    return python_cases(file.text, tree)


def python_cases(text: str, tree: ast.Module) -> list[TestCase]:
    """The test cases of a Python file, from its tree."""
    cases = []
    for node in walk_statements(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith("test"):
            continue
        case = TestCase(node.name, node.lineno, node.col_offset + 1)
        for stmt in node.body:
            assertion = _py_assertion(text, stmt)
            if assertion is not None:
                case.assertions.append(assertion)
            elif not _py_noise(stmt):
                case.other_statements += 1
        # Assertions nested in `if`/`for`/`with` blocks count too (the statement holding them
        # is counted as another statement above).
        top = {id(stmt) for stmt in node.body}
        for inner in walk_statements(node):
            if id(inner) not in top and isinstance(inner, ast.stmt) and inner is not node:
                assertion = _py_assertion(text, inner)
                if assertion is not None:
                    case.assertions.append(assertion)
        cases.append(case)
    return cases


def _py_assertion(text: str, stmt: ast.stmt) -> Assertion | None:
    source = _segment(text, stmt) or ""
    if isinstance(stmt, ast.Assert):
        test = stmt.test
        return Assertion(source, _segment(text, test) or "", "assert", isinstance(test, ast.Constant))
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        if isinstance(func, ast.Attribute) and func.attr.startswith("assert") and isinstance(func.value, ast.Name) and func.value.id == "self":
            args = stmt.value.args
            subject = _segment(text, args[0]) or "" if args else ""
            constant = bool(args) and all(isinstance(a, ast.Constant) for a in args)
            return Assertion(source, subject, func.attr, constant)
    return None


def _py_noise(stmt: ast.stmt) -> bool:
    """`pass`, a docstring, `print(...)` / logging: nothing a test checks."""
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr):
        value = stmt.value
        if isinstance(value, ast.Constant):
            return True
        if isinstance(value, ast.Call):
            func = value.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            return name in ("print", "info", "debug", "warning", "log")
    return False
