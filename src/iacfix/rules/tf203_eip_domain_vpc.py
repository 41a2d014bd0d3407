"""TF203: `vpc = true` on an Elastic IP, deprecated for `domain = "vpc"`."""

from __future__ import annotations

from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, attribute, location, replace_attribute, resources


class EipDomainVpc(Rule):
    """An `aws_eip` says `domain = "vpc"`, not the deprecated `vpc = true`.

    What it does: on `aws_eip`, rewrites `vpc = true` as `domain = "vpc"`. `vpc = false` (an
    EC2-Classic address, a platform retired in 2022) or an expression is reported, not changed.

    Why: AWS provider 5 deprecated `vpc` and prints a warning on every plan; provider 6 removed
    it, and `terraform validate` stops with "An argument named "vpc" is not expected here".

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): the same meaning in the current argument.
    """

    code = "TF203"
    name = "eip-domain-vpc"
    flavours = ("terraform",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_eip" "nat" {
  vpc  = true
  tags = { Name = "nat" }
}
""",
            after="""\
resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "nat" }
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_eip" "nat" {
  domain = "vpc"
}
""",
        ),
    ]

    def check(self, ctx):
        for d in resources(Module(ctx), "aws_eip"):
            attr = attribute(d.block, "vpc")
            if attr is None or attribute(d.block, "domain") is not None:
                continue
            value = attr.prop.value
            at = location(d.file, attr)
            if value.kind == "bool" and value.value:
                edits = replace_attribute(d.file, d.block, attr, "domain", '"vpc"')
            else:
                edits = []  # false or an expression: a human decides
            yield self.finding(at, '`vpc = true` is deprecated (removed in AWS provider 6): use `domain = "vpc"`', edits)
