"""TF201: an S3 lifecycle rule with neither `filter` nor `prefix`."""

from __future__ import annotations

from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, attribute, insert_nested_block, location, resources


class S3LifecycleRuleFilter(Rule):
    """Every `rule` of an `aws_s3_bucket_lifecycle_configuration` has a `filter`.

    What it does: adds `filter {}` (the whole bucket, which is what a rule without one means) to
    each lifecycle `rule` block that has neither a `filter` block nor the legacy `prefix`.

    Why: the AWS provider requires exactly one of `filter` and `prefix` in a rule. Provider 5
    warns on every plan that this "will be an error in a future version", and newer versions
    fail the plan; the S3 API itself rejects some rule shapes without one.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): an empty filter keeps the rule's scope (every object).
    """

    code = "TF201"
    name = "s3-lifecycle-rule-filter"
    flavours = ("terraform",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire"
    status = "Enabled"

    expiration {
      days = 30
    }
  }
}
""",
            after="""\
resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire"
    status = "Enabled"

    filter {}

    expiration {
      days = 30
    }
  }
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "tmp"
    status = "Enabled"

    filter {
      prefix = "tmp/"
    }
  }

  rule {
    id     = "old"
    prefix = "old/"
    status = "Enabled"
  }
}
""",
        ),
    ]

    def check(self, ctx):
        for d in resources(Module(ctx), "aws_s3_bucket_lifecycle_configuration"):
            for rule in d.block.blocks:
                if rule.type != "rule" or any(b.type == "filter" for b in rule.blocks):
                    continue
                if attribute(rule, "filter") is not None or attribute(rule, "prefix") is not None:
                    continue
                yield self.finding(
                    location(d.file, rule),
                    "lifecycle rule without `filter` (the provider requires `filter` or `prefix`); "
                    "added `filter {}`, which applies it to the whole bucket",
                    insert_nested_block(d.file, rule, "filter {}"),
                )
