"""The HCL fast path (tree-sitter) reads every text exactly as python-hcl2's lark parser does.

Over the corpus's ~7,500 .tf files and answer blocks both gave identical Blocks; these are the
shapes where lark's spans have quirks the fast path reproduces (a heredoc ends after its line
end, a binary operation takes the line ends and comments after it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacfix.backends import hcl, hcl_fast
from iacfix.backends.base import SourceSyntaxError

TEXT = '''\
# comment
terraform {
  backend "s3" {}
}

resource "aws_s3_bucket" "b" {
  bucket = "x-${var.e}"  # c
  n      = 1.5
  i      = -1
  t      = [1, "a", true, null]
  m = [
    "one",   # first
    "two",
  ]
  o      = { a = 1, "b" : 2, "é" = "ü" }
  lifecycle_rule {
    enabled = true
  }
  h = <<-EOF
    hi ${var.x}
  EOF
  c = var.a ? 1 : var.b + 2  # trailing
  d = var.count * 2
  e = "esc \\" \\n"

  tags = merge(var.tags, { Name = "x" })
}

variable "v" {
  validation {
    condition     = var.v >= 1 && var.v <= 3
    error_message = "1 to 3."
  }
}
'''


def test_fast_path_matches_lark():
    if not hcl_fast.available():
        pytest.skip("tree-sitter-hcl not installed")
    fast = hcl_fast.blocks(TEXT, hcl.Block, hcl.Attribute, hcl._string_value)
    assert fast is not None
    assert fast == hcl.parse_lark(Path("main.tf"), TEXT).blocks


def test_a_broken_text_is_lark_s_to_report():
    broken = 'resource "a" "b" {\n  x = \n}\n'
    assert hcl_fast.blocks(broken, hcl.Block, hcl.Attribute, hcl._string_value) is None
    with pytest.raises(SourceSyntaxError) as fast:
        hcl.parse(Path("main.tf"), broken)
    with pytest.raises(SourceSyntaxError) as lark:
        hcl.parse_lark(Path("main.tf"), broken)
    assert (fast.value.line, fast.value.message) == (lark.value.line, lark.value.message)


@pytest.mark.parametrize(
    ("value", "fast"),
    [
        ('"arn:aws:s3:::b/$${aws:username}/*"', True),  # IAM policy variables: a literal to both
        ('"$${a}${b}"', True),
        ('"%%{if}"', True),
        ('["$${a}", { k = "$${v}" }]', True),
        ('"$$${x}"', False),  # tree-sitter reads an interpolation here, lark a literal
        ('"%%%{x}"', False),
        ('"$${a"', False),  # lark refuses an escape left open; tree-sitter does not
    ],
)
def test_escaped_interpolations(value, fast):
    """The fast path reads an escaped `$${...}` as lark does and leaves lark the shapes where the
    two parsers part."""
    if not hcl_fast.available():
        pytest.skip("tree-sitter-hcl not installed")
    text = f"locals {{\n  v = {value}\n}}\n"
    blocks = hcl_fast.blocks(text, hcl.Block, hcl.Attribute, hcl._string_value)
    assert (blocks is not None) == fast
    if fast:
        assert blocks == hcl.parse_lark(Path("main.tf"), text).blocks


@pytest.mark.parametrize(
    "text",
    ['"${var.x}"', '"${ var.x  }"', '"a${var.x}"', '"${a}${b}"', '"${a}b"', '"%{ if x }y%{ endif }"', '"${f(1, "s")}"'],
)
def test_sole_interpolation_matches_lark(text):
    """terraform fmt's `"${x}"` → `x` asks whether a string is one interpolation and nothing else:
    tree-sitter answers as lark does."""
    if not hcl_fast.available():
        pytest.skip("tree-sitter-hcl not installed")
    from iacfix.backends.hcl_format import _sole_interpolation_lark

    assert hcl_fast.sole_interpolation(text) == _sole_interpolation_lark(text)
    assert hcl_fast.sole_interpolation(text) == (text in ('"${var.x}"', '"${ var.x  }"', '"${f(1, "s")}"'))


def test_byte_offsets_map_to_characters_after_non_ascii_text():
    text = 'locals {\n  a = "é—ü" # 𝄞\n  b = "x"\n}\n'
    (block,) = hcl_fast.blocks(text, hcl.Block, hcl.Attribute, hcl._string_value) or [None]
    a, b = block.attributes
    assert text[slice(*a.prop.value.span)] == '"é—ü"'
    assert text[slice(*b.prop.span)] == 'b = "x"'
    assert (b.prop.value.line, b.prop.value.col) == (3, 7)


def _file(blocks: int, accent: str = "") -> str:
    return "".join(
        f'resource "aws_eip" "e{i}" {{\n  domain = "vpc{accent}"\n  tags   = {{ Name = "e{i}" }}\n}}\n\n' for i in range(blocks)
    )


@pytest.mark.parametrize("accent", ["", "é😀"])
@pytest.mark.parametrize(
    "change",
    [
        # (what is replaced, by what): an attribute added, one removed, a block added between
        # two, one removed, a value changed in the first and the last block, at once
        [('  domain = "vpc{a}"\n  tags   = { Name = "e3" }', '  domain = "vpc{a}"\n  x = 1\n  tags   = { Name = "e3" }')],
        [('  tags   = { Name = "e7" }\n', "")],
        [('}\n\nresource "aws_eip" "e5"', '}\n\nresource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n\nresource "aws_eip" "e5"')],
        [('resource "aws_eip" "e2" {\n  domain = "vpc{a}"\n  tags   = { Name = "e2" }\n}\n\n', "")],
        [('Name = "e0"', 'Name = "é0"\n  '), ('Name = "e9"', 'Name = "ü9"')],
        [('Name = "e4" }\n}\n', 'Name = "e4" }\n}\n/*\n')],  # an open comment: parsed whole, refused
    ],
)
def test_a_parse_again_after_edits_is_the_parse_of_the_new_text(change, accent):
    """hcl.reparse builds only the top-level blocks the edits touched and moves the others: the
    same blocks as a parse of the whole new text, including lines and spans after non-ASCII
    text, or None where it cannot tell."""
    from iacfix.model import Edit

    text, path = _file(10, accent), Path("main.tf")
    edits = []
    for old, new in change:
        old, new = old.replace("{a}", accent), new.replace("{a}", accent)
        start = text.index(old)
        edits.append(Edit(path, start, start + len(old), new))
    new_text = text
    for edit in sorted(edits, key=lambda e: -e.start):
        new_text = new_text[: edit.start] + edit.text + new_text[edit.end :]
    reparsed = hcl.reparse(path, new_text, hcl.parse(path, text), edits)
    if "/*" in new_text:
        assert reparsed is None
        with pytest.raises(SourceSyntaxError):
            hcl.parse(path, new_text)
        return
    whole = hcl.parse(path, new_text)
    assert reparsed is not None and reparsed.blocks == whole.blocks
    assert [r.line for r in reparsed.resources()] == [r.line for r in whole.resources()]
