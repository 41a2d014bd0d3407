"""TF201: an S3 lifecycle rule with neither `filter` nor `prefix`."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Example, Invalid, Rule
from iacfix.rulekit.schema import block_is_list

RESOURCE = "aws_s3_bucket_lifecycle_configuration"
MESSAGE = (
    "lifecycle rule without `filter` (the provider requires `filter` or `prefix`); "
    "added an empty `filter`, which applies it to the whole bucket"
)


class S3LifecycleRuleFilter(Rule):
    """Every `rule` of an `aws_s3_bucket_lifecycle_configuration` has a `filter`.

    What it does: adds an empty `filter` (the whole bucket, which is what a rule without one
    means) to each `rule` of an `aws_s3_bucket_lifecycle_configuration` (CDKTF:
    `S3BucketLifecycleConfiguration`) that has neither a `filter` nor the legacy `prefix`:
    `filter {}` in HCL, `filter: [{}]` in TypeScript, `filter={}` or `filter=[{}]` in Python as
    the provider types it. A rule built by an expression (`rules.map(...)`) is not looked into.

    Why: the AWS provider requires exactly one of `filter` and `prefix` in a rule. Provider 5
    warns on every plan that this "will be an error in a future version", and newer versions
    fail the plan; the S3 API itself rejects some rule shapes without one.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): an empty filter keeps the rule's scope (every object).
    """

    code = "TF201"
    name = "s3-lifecycle-rule-filter"
    flavours = FLAVOURS
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
        Invalid(
            "cdktf-ts",
            """\
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";

new S3BucketLifecycleConfiguration(this, "logs-lifecycle", {
  bucket: logs.id,
  rule: [
    {
      id: "expire",
      status: "Enabled",
      expiration: [{ days: 30 }],
    },
  ],
});
""",
            """\
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";

new S3BucketLifecycleConfiguration(this, "logs-lifecycle", {
  bucket: logs.id,
  rule: [
    {
      id: "expire",
      status: "Enabled",
      expiration: [{ days: 30 }],
      filter: [{}],
    },
  ],
});
""",
            message=MESSAGE,
            line=6,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
)

S3BucketLifecycleConfiguration(
    self,
    "logs-lifecycle",
    bucket=logs.id,
    rule=[S3BucketLifecycleConfigurationRule(id="expire", status="Enabled", expiration=[{"days": 30}])],
)
""",
            """\
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
)

S3BucketLifecycleConfiguration(
    self,
    "logs-lifecycle",
    bucket=logs.id,
    rule=[S3BucketLifecycleConfigurationRule(id="expire", status="Enabled", expiration=[{"days": 30}], filter=[{}])],
)
""",
            message=MESSAGE,
            line=10,
        ),
    ]

    def check(self, ctx):
        as_list = block_is_list(RESOURCE, "rule", "filter")
        for resource in ctx.resources(RESOURCE):
            file = ctx.file(resource.path)
            for rule in resource.blocks("rule"):
                if file.entry(rule, "filter") is not None or file.entry(rule, "prefix") is not None:
                    continue
                yield self.finding(Location(resource.path, rule.line, rule.col), MESSAGE, file.insert_block(rule, "filter", as_list=bool(as_list)))
