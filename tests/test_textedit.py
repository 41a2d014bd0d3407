"""Deleting a statement with the comment lines that introduce it (textedit.statement_removal_span)."""

from __future__ import annotations

import pytest

from iacfix.textedit import statement_removal_span

TS = ("//", "/*")
PY = ("#",)
HCL = ("#", "//", "/*")
TARGET = "drop();"


def remove(text: str, prefixes=TS, target=TARGET) -> str:
    start = text.index(target)
    first, last = statement_removal_span(text, start, start + len(target), prefixes)
    return text[:first] + text[last:]


@pytest.mark.parametrize(
    "before,after",
    [
        # the comment block right above goes; one of the two blank lines around it stays
        ("  a();\n\n  // one\n  // two\n  drop();\n\n  b();\n", "  a();\n\n  b();\n"),
        # a comment after a blank line is not the statement's
        ("  // header\n\n  drop();\n  b();\n", "  // header\n\n  b();\n"),
        # code right above: nothing else goes
        ("  a();\n  drop();\n  b();\n", "  a();\n  b();\n"),
        # a comment at another indentation ends a body above, it does not introduce the statement
        ("  if (x) {\n    a();\n    // the end\n  drop();\n", "  if (x) {\n    a();\n    // the end\n"),
        # a block comment counts from its first line
        ("  a();\n  /**\n   * why\n   */\n  drop();\n  b();\n", "  a();\n  b();\n"),
        ("  a(); /* x\n   */\n  drop();\n", "  a(); /* x\n   */\n"),  # its first line holds code
        # no blank line left at the start or the end of a body
        ("f() {\n  // c\n  drop();\n\n  b();\n}\n", "f() {\n  b();\n}\n"),
        ("f() {\n  a();\n\n  // c\n  drop();\n}\n", "f() {\n  a();\n}\n"),
        # sharing its line with other code: only the statement goes
        ("  // c\n  a(); drop();\n", "  // c\n  a(); \n"),
    ],
)
def test_typescript(before, after):
    assert remove(before) == after


def test_python_keeps_the_blank_line_before_a_method_that_follows():
    before = (
        "    def f(self):\n        a()\n\n        # c\n        drop()\n\n    def g(self):\n        pass\n"
    )
    after = "    def f(self):\n        a()\n\n    def g(self):\n        pass\n"
    assert remove(before, PY, "drop()") == after
    last = "    def f(self):\n        a()\n\n        # c\n        drop()\n"
    assert remove(last, PY, "drop()") == "    def f(self):\n        a()\n"


def test_hcl_blocks_at_the_start_middle_and_end_of_a_file():
    blocks = ['# one\nvariable "a" {}\n', '/* two\n */\nvariable "b" {}\n', 'variable "c" {}\n']
    text = "\n".join(blocks)
    assert remove(text, HCL, 'variable "a" {}') == "\n".join(blocks[1:])
    assert remove(text, HCL, 'variable "b" {}') == "\n".join([blocks[0], blocks[2]])
    assert remove(text, HCL, 'variable "c" {}') == "\n".join(blocks[:2])
