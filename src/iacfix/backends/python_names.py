"""What a name of a Python source holds: the value a name is assigned once in its function, or
`self.x` once in its class (PythonFile.bound_value)."""

from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def bound_value(file, name: str, at: int) -> str | None:
    scopes = file.derived("python_names", _bindings)
    if scopes is None:
        return None
    member = name.startswith("self.")
    # the innermost function (for `self.x`: class) holding the read
    holders = [s for s in scopes if s.start <= at < s.end and (s.is_class if member else not s.is_class)]
    if not holders:
        return None
    scope = min(holders, key=lambda s: s.end - s.start)
    key = name.removeprefix("self.") if member else name
    stores = scope.stores.get(key, [])
    if len(stores) != 1 or stores[0] is None:
        return None
    value, end = stores[0]
    return value if member or end <= at else None


class _Scope:
    def __init__(self, start: int, end: int, is_class: bool):
        self.start, self.end, self.is_class = start, end, is_class
        # name -> each store: (the value's source, where the assignment ends), None when the store
        # is no plain `name = value` (a loop, an augmented assignment, a tuple, a parameter)
        self.stores: dict[str, list[tuple[str, int] | None]] = {}


def _bindings(file) -> list[_Scope] | None:
    try:
        tree = ast.parse(file.text)
    except (SyntaxError, ValueError):
        return None
    starts = [0]
    for line in file.text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:  # ast columns count UTF-8 bytes
        start = starts[line - 1]
        return start + len(file.text[start : start + col].encode()[:col].decode(errors="ignore"))

    def span(node) -> tuple[int, int]:
        return offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)

    scopes = [_Scope(0, len(file.text), False)]

    def walk(node, scope: _Scope, cls: _Scope | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                inner = _Scope(*span(child), True)
                scopes.append(inner)
                walk(child, scope, inner)
                continue
            if isinstance(child, _SCOPES):
                inner = _Scope(*span(child), False)
                scopes.append(inner)
                for arg in ast.walk(child.args):
                    if isinstance(arg, ast.arg):
                        inner.stores.setdefault(arg.arg, []).append(None)
                walk(child, inner, cls)
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                scope.stores.setdefault(child.id, []).append(_plain(node, child, file.text, span))
            elif (cls is not None and isinstance(child, ast.Attribute) and isinstance(child.ctx, (ast.Store, ast.Del))
                  and isinstance(child.value, ast.Name) and child.value.id == "self"):
                cls.stores.setdefault(child.attr, []).append(_plain(node, child, file.text, span))
            walk(child, scope, cls)

    walk(tree, scopes[0], None)
    return scopes


def _plain(parent, target, text: str, span) -> tuple[str, int] | None:
    """(value source, assignment end) when `target` is the one target of `parent`, a plain
    assignment (`x = v`, `x: T = v`)."""
    if isinstance(parent, ast.Assign) and parent.targets == [target]:
        value = parent.value
    elif isinstance(parent, ast.AnnAssign) and parent.target is target and parent.value is not None:
        value = parent.value
    else:
        return None
    start, end = span(value)
    return text[start:end], span(parent)[1]
