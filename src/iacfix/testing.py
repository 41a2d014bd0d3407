"""Running a rule's examples as tests (also usable by anyone writing a rule)."""

from __future__ import annotations

import json
from pathlib import Path

from iacfix import engine
from iacfix.rule import Example, Rule

MAIN_FILE = {"cdktf-ts": "lib/main.ts", "cdktf-py": "lib/main.py", "terraform": "main.tf"}
CDKTF_LANGUAGE = {"cdktf-ts": "typescript", "cdktf-py": "python"}


def write_project(root: Path, example: Example) -> Path:
    """Lay the example out as a small project; return its main file."""
    if example.flavour in CDKTF_LANGUAGE:
        (root / "cdktf.json").write_text(json.dumps({"language": CDKTF_LANGUAGE[example.flavour], "app": "x"}))
    files = {MAIN_FILE[example.flavour]: example.before, **example.files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / MAIN_FILE[example.flavour]


def run_example(rule: Rule, example: Example, root: Path) -> tuple[engine.RunResult, str]:
    """Run only `rule` on the example; return the result and the main file's text afterwards."""
    main = write_project(root, example)
    result = engine.run([root], example_options(rule, example), cwd=root, rules=[rule])
    return result, result.workspace.text[main.absolute()]


def example_options(rule: Rule, example: Example) -> engine.Options:
    """The engine options of an example: its own, --unsafe-fixes for a scaffold rule, and the
    rule's convention for a convention rule (its examples are projects that follow it)."""
    options = dict(example.options)
    if rule.convention is not None:
        options.setdefault("conventions", [rule.convention])
    if rule.fix == "unsafe" or example.unsafe:
        options.setdefault("unsafe_fixes", True)
    return engine.Options(**options)
