"""Every rule's documented examples are its tests (Fixit style)."""

from __future__ import annotations

import pytest

from iacfix import engine
from iacfix.rules import all_rules
from iacfix.testing import MAIN_FILE, example_options, run_example

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{example.flavour}-{i}")
    for rule in all_rules()
    for i, example in enumerate(rule.examples)
]


@pytest.mark.parametrize("rule,example", CASES)
def test_example(rule, example, tmp_path):
    result, text = run_example(rule, example, tmp_path)
    assert result.errors == []
    if example.after is None:  # valid code: silent, unchanged
        assert result.findings == []
        assert text == example.before
        return
    assert {f.code for f in result.findings} == set(example.codes or (rule.code,))
    if example.message is not None or example.line is not None:
        (finding,) = [f for f in result.findings if f.code == rule.code]
        main = tmp_path / MAIN_FILE[example.flavour]
        if example.message is not None:
            assert finding.message == example.message
        if example.line is not None:
            assert (finding.path, finding.line) == (main.absolute(), example.line)
    if example.unsafe:
        assert all((f.safety or rule.fix) == "unsafe" for f in result.findings if f.code == rule.code)
    if example.after == example.before and not example.files_after:  # a report: raised, nothing changed
        assert not any(f.fixable for f in result.findings)
        assert result.changes() == []
        return
    assert all(f.fixable for f in result.findings)
    assert text == example.after
    for rel, expected in example.files_after.items():
        assert result.workspace.text[(tmp_path / rel).absolute()] == expected, rel
    # idempotence: the repaired code is valid code for the rule
    for source, new_text in result.changes():
        source.path.parent.mkdir(parents=True, exist_ok=True)
        source.path.write_text(new_text, encoding="utf-8")
    again = engine.run([tmp_path], example_options(rule, example), cwd=tmp_path, rules=[rule])
    assert again.findings == [] and again.changes() == []


def test_every_rule_is_documented_and_exemplified():
    codes = [r.code for r in all_rules()]
    assert len(codes) == len(set(codes))
    for rule in all_rules():
        assert rule.docs().count("\n") > 3, rule.code
        assert any(e.after is not None for e in rule.examples), f"{rule.code} has no before/after example"
        if rule.fix == "none":
            assert all(e.after in (None, e.before) for e in rule.examples), f"{rule.code} reports only: after is before"
        flavours = {e.flavour for e in rule.examples}
        assert flavours <= set(rule.flavours), rule.code


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_each_flavour_of_a_rule_has_an_example(rule):
    assert {e.flavour for e in rule.examples if e.after is not None} == set(rule.flavours)
