"""PRV110: a deprecated argument or block of a resource."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Reported, Rule, Valid
from iacfix.rulekit import validity


class ProviderDeprecatedArgument(Rule):
    """An argument or block the provider deprecates.

    What it does: reports the arguments and blocks the provider schema marks as deprecated
    (known from the exact schemas only: aws 5.100.0; a schema derived from a CDKTF package does
    not say). Their replacements are other resources (S3's inline `versioning`, `acl`,
    `lifecycle_rule`…: aws_s3_bucket_versioning, aws_s3_bucket_acl…) or take other values, and
    the schema does not say which: a human decides. Those a rule knows how to replace are its:
    `vpc` of aws_eip (TF203), the flow log's `log_group_name` (TF205). Once the next major
    version removes one, it is an unknown argument there (PRV103), renamed when the upgrade
    guide names its successor.

    Why: `terraform validate` warns on every run ("Argument is deprecated"), and the next major
    version of the provider removes the argument: the code stops validating there.

    Reported: a human decides.
    """

    code = "PRV110"
    name = "provider-deprecated-argument"
    flavours = FLAVOURS
    fix = "none"
    examples = [
        Reported(
            "terraform",
            """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  acl    = "log-delivery-write"
}
""",
            message="`acl` of aws_s3_bucket is deprecated",
            line=12,
        ),
        Reported(
            "cdktf-ts",
            """\
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";

new S3Bucket(this, "logs", { bucket: "logs", acl: "log-delivery-write" });
""",
            message="`acl` of aws_s3_bucket is deprecated",
        ),
        Reported(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

S3Bucket(self, "logs", bucket="logs", acl="log-delivery-write")
""",
        ),
        Valid(
            "terraform",
            """\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
        ),
    ]

    def check(self, ctx):
        for problem in validity.problems(ctx, "deprecated"):
            yield self.finding(Location(problem.resource.path, problem.line, problem.col), problem.message, problem.edits, problem.safety)
