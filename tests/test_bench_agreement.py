"""bench/corpus.py judges each fix by the change it makes alone. A rule that fixes in passes (two
fixes adding the same import) gives later edits as offsets into the text the first pass left."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from iacfix.model import Edit, Finding
from iacfix.textedit import apply_edits

PATH = Path("stack.py")
ORIGINAL = 'a = "x.zip"\nb = "y.zip"\nc = "unchanged"\n'


def _result(findings: list[Finding], final: str):
    workspace = SimpleNamespace(sources={PATH: SimpleNamespace(text=ORIGINAL)}, text={PATH: final})
    return SimpleNamespace(findings=findings, workspace=workspace)


def test_fixes_of_one_pass_are_judged_one_by_one(bench):
    first = Finding("X1", "m", PATH, 1, edits=[Edit(PATH, 4, 11, "p(x)")])
    second = Finding("X1", "m", PATH, 2, edits=[Edit(PATH, 16, 23, "p(y)")])
    final = apply_edits(ORIGINAL, first.edits + second.edits)
    changes = list(bench._changes_by_finding(_result([first, second], final)))
    assert changes == [(first, PATH, 'a = p(x)\nb = "y.zip"\nc = "unchanged"\n'), (second, PATH, 'a = "x.zip"\nb = p(y)\nc = "unchanged"\n')]


def test_a_rule_that_fixed_in_passes_is_judged_by_its_whole_change(bench):
    # Both fixes add `import p`: the second, deferred to a second pass, has offsets into the text
    # the first left (6 characters longer), which applied to the original land across two lines.
    first = Finding("X1", "m", PATH, 1, edits=[Edit(PATH, 0, 0, "import p\n"), Edit(PATH, 4, 11, "p(x)")])
    after_first = apply_edits(ORIGINAL, first.edits)
    second = Finding("X1", "m", PATH, 2, edits=[Edit(PATH, 22, 29, "p(y)")])
    final = apply_edits(after_first, second.edits)
    assert final == 'import p\na = p(x)\nb = p(y)\nc = "unchanged"\n'
    assert apply_edits(ORIGINAL, second.edits) == 'a = "x.zip"\nb = "y.zipp(y)unchanged"\n'  # was judged by
    changes = list(bench._changes_by_finding(_result([first, second], final)))
    assert changes == [(first, PATH, final)]
