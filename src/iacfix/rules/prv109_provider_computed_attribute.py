"""PRV109: an attribute only the provider sets is set in the configuration."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Invalid, Rule, Valid
from iacfix.rulekit import validity


class ProviderComputedAttribute(Rule):
    """An attribute the provider computes is not set by the configuration.

    What it does: finds the attributes the provider schema marks as computed only (`arn`, `id`,
    `tags_all`, a bucket's `bucket_domain_name`…) set on a resource, a data source or one of
    their blocks, and removes them. When the attribute can be set in another version the
    project may get, it is reported instead; in HCL, one set from an input, a local or a choice
    is left alone: it may be null (a module passing an optional input on), which Terraform takes
    (a resource's attribute is not null, even before it is known: that is removed).

    Why: `terraform validate` stops ("Value for unconfigurable attribute: Can't configure a
    value for "arn": its value will be decided automatically"); the CDKTF bindings have no such
    property (TypeScript does not compile, the Python app fails at synth). The value written is
    never used: the provider decides it.

    Fix (safe): remove the attribute.
    """

    code = "PRV109"
    name = "provider-computed-attribute"
    flavours = FLAVOURS
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_sns_topic" "alerts" {
  name = "alerts"
  arn  = "arn:aws:sns:us-east-1:123456789012:alerts"
}
""",
            """\
resource "aws_sns_topic" "alerts" {
  name = "alerts"
}
""",
            message="`arn` of aws_sns_topic is set by the provider, not by the configuration: remove it",
            line=3,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic

SnsTopic(self, "alerts", name="alerts", arn="arn:aws:sns:us-east-1:123456789012:alerts")
""",
            """\
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic

SnsTopic(self, "alerts", name="alerts")
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";

new SnsTopic(this, "alerts", {
  name: "alerts",
  arn: "arn:aws:sns:us-east-1:123456789012:alerts",
});
""",
            """\
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";

new SnsTopic(this, "alerts", {
  name: "alerts",
});
""",
        ),
        Valid(
            "terraform",
            """\
resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

output "topic" {
  value = aws_sns_topic.alerts.arn
}
""",
        ),
    ]

    def check(self, ctx):
        for problem in validity.problems(ctx, "computed"):
            yield self.finding(Location(problem.resource.path, problem.line, problem.col), problem.message, problem.edits, problem.safety)
