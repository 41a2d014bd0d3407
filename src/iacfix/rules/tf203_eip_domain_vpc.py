"""TF203: `vpc = true` on an Elastic IP, deprecated for `domain = "vpc"`."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Invalid, Reported, Rule, Valid
from iacfix.rulekit.schema import provider_major_below

MESSAGE = '`vpc = true` is deprecated (removed in AWS provider 6): use `domain = "vpc"`'


class EipDomainVpc(Rule):
    """An `aws_eip` says `domain = "vpc"`, not the deprecated `vpc = true`.

    What it does: on `aws_eip` (CDKTF: `Eip`), rewrites `vpc = true` as `domain = "vpc"`
    (`vpc: true` as `domain: "vpc"`, `vpc=True` as `domain="vpc"`). `vpc = false` (an
    EC2-Classic address, a platform retired in 2022) or an expression is reported, not changed.
    A project that pins the AWS provider below 5 (`version = "~> 4.9"`) is left alone: `vpc` is
    right there, and `domain` cannot be set before 5.

    Why: AWS provider 5 deprecated `vpc` and prints a warning on every plan; provider 6 removed
    it, and `terraform validate` stops with "An argument named "vpc" is not expected here".

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): the same meaning in the current argument.
    """

    code = "TF203"
    name = "eip-domain-vpc"
    flavours = FLAVOURS
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_eip" "nat" {
  vpc  = true
  tags = { Name = "nat" }
}
""",
            """\
resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "nat" }
}
""",
            message=MESSAGE,
            line=2,
        ),
        Valid(
            "terraform",
            """\
resource "aws_eip" "nat" {
  domain = "vpc"
}
""",
        ),
        Valid(  # provider 4: `vpc` is the argument there
            "terraform",
            """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 4.9"
    }
  }
}

resource "aws_eip" "nat" {
  vpc = true
}
""",
        ),
        Reported(
            "terraform",
            """\
resource "aws_eip" "nat" {
  vpc = var.in_vpc
}
""",
            message=MESSAGE,
        ),
        Invalid(
            "cdktf-ts",
            """\
import { Eip } from "@cdktf/provider-aws/lib/eip";

new Eip(this, "nat", { vpc: true, tags: { Name: "nat" } });
""",
            """\
import { Eip } from "@cdktf/provider-aws/lib/eip";

new Eip(this, "nat", { domain: "vpc", tags: { Name: "nat" } });
""",
            message=MESSAGE,
            line=3,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.eip import Eip

Eip(self, "nat", vpc=True)
""",
            """\
from cdktf_cdktf_provider_aws.eip import Eip

Eip(self, "nat", domain="vpc")
""",
            message=MESSAGE,
            line=3,
        ),
    ]

    def check(self, ctx):
        for eip in ctx.resources("aws_eip"):
            file = ctx.file(eip.path)
            vpc = file.entry(eip.body, "vpc")
            if vpc is None or file.entry(eip.body, "domain") is not None:
                continue
            if provider_major_below(ctx, 5):  # (asked only when there is something to fix: it reads files)
                return
            edits = []
            if vpc.value.kind == "bool" and vpc.value.value:
                edits = file.rename_entry(eip.body, vpc, "domain") + file.replace_value(vpc, file.literal("vpc"))
            # false or an expression: a human decides
            yield self.finding(Location(eip.path, vpc.value.line, _key_col(file, vpc)), MESSAGE, edits)


def _key_col(file, prop) -> int:
    return prop.key_span[0] - file.text.rfind("\n", 0, prop.key_span[0])
