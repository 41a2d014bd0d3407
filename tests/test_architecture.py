"""The layout holds: what a rule may import, and no import cycles among iacfix's modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "iacfix"
RULE_API = ("iacfix.rule", "iacfix.model", "iacfix.rulekit")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every iacfix module the file imports at run time (deferred imports count; those under
    `if TYPE_CHECKING:` do not), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.startswith("iacfix")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("iacfix") and not node.level:
            # `from iacfix.rulekit import schema` imports the module iacfix.rulekit.schema
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                module_file = SRC.parent.joinpath(*candidate.split("."))
                out.append((candidate if module_file.with_suffix(".py").exists() or module_file.is_dir() else node.module, node.lineno))
    return out


def _all_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


@pytest.mark.parametrize("path", sorted((SRC / "rules").glob("*.py")), ids=lambda p: p.name)
def test_a_rule_imports_only_the_rule_api_the_model_and_the_rule_kit(path):
    wrong = [f"{path.name}:{line}: {name}" for name, line in _imports(path) if not name.startswith(RULE_API)]
    if path.name == "__init__.py":  # the registry imports the rule modules themselves
        wrong = [w for w in wrong if not w.split(": ")[1].startswith("iacfix.rules")]
    assert wrong == []


def test_the_engine_and_backends_never_import_rules_or_the_rule_kit():
    wrong = []
    for name, path in _all_modules().items():
        if name.startswith(("iacfix.rules", "iacfix.rulekit")) or name in ("iacfix.rule", "iacfix.testing"):
            continue
        for imported, line in _imports(path):
            if imported.startswith(("iacfix.rulekit", "iacfix.rules.")):
                wrong.append(f"{name}:{line}: {imported}")
    assert wrong == []


def test_no_import_cycles():
    modules = _all_modules()
    graph = {name: {i for i, _ in _imports(path) if i in modules and i != name} for name, path in modules.items()}
    # a package imports its submodules' names (`from iacfix.engine.workspace import ...` makes
    # iacfix.engine depend on it); a submodule's import of its own package is not a cycle there
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
