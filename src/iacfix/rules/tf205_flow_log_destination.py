"""TF205: `log_destination_arn` / `log_group_name` on a VPC flow log."""

from __future__ import annotations

from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, attribute, location, replace_attribute, resources


class FlowLogDestination(Rule):
    """A VPC flow log names its destination with `log_destination`.

    What it does: on `aws_flow_log`, renames `log_destination_arn` (an argument that never
    existed) and `log_group_name` (deprecated, removed in AWS provider 6) to `log_destination`.
    A `log_group_name` holding a log group's name, not its ARN (`aws_cloudwatch_log_group.x.name`),
    gets the ARN: `aws_cloudwatch_log_group.x.arn`.

    Why: `terraform validate` stops at `log_destination_arn` ("An argument named
    "log_destination_arn" is not expected here"); `log_group_name` warns on provider 5 and fails
    on provider 6. `log_destination` takes the ARN of the log group (or bucket, or stream), and
    the default `log_destination_type` is `cloud-watch-logs`.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): the same destination under the current argument.
    """

    code = "TF205"
    name = "flow-log-destination"
    flavours = ("terraform",)
    severity = "error"
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_flow_log" "vpc" {
  vpc_id              = aws_vpc.main.id
  traffic_type        = "ALL"
  iam_role_arn        = aws_iam_role.flow.arn
  log_destination_arn = aws_cloudwatch_log_group.flow.arn
}
""",
            after="""\
resource "aws_flow_log" "vpc" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  iam_role_arn    = aws_iam_role.flow.arn
  log_destination = aws_cloudwatch_log_group.flow.arn
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_flow_log" "vpc" {
  vpc_id         = aws_vpc.main.id
  log_group_name = aws_cloudwatch_log_group.flow.name
}
""",
            after="""\
resource "aws_flow_log" "vpc" {
  vpc_id          = aws_vpc.main.id
  log_destination = aws_cloudwatch_log_group.flow.arn
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_flow_log" "vpc" {
  vpc_id               = aws_vpc.main.id
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow.arn
}
""",
        ),
    ]

    def check(self, ctx):
        for d in resources(Module(ctx), "aws_flow_log"):
            if attribute(d.block, "log_destination") is not None:
                continue
            for key in ("log_destination_arn", "log_group_name"):
                attr = attribute(d.block, key)
                if attr is None:
                    continue
                value = attr.prop.value.text
                if key == "log_group_name" and value.startswith("aws_cloudwatch_log_group.") and value.endswith(".name"):
                    value = value[: -len(".name")] + ".arn"
                edits = replace_attribute(d.file, d.block, attr, "log_destination", value)
                if key == "log_group_name" and value == attr.prop.value.text:
                    edits = []  # a name we cannot turn into an ARN: a human decides
                yield self.finding(
                    location(d.file, attr),
                    (
                        "`log_destination_arn` is not an argument of aws_flow_log"
                        if key == "log_destination_arn"
                        else "`log_group_name` is deprecated and gone in AWS provider 6"
                    )
                    + "; the destination's ARN goes in `log_destination`",
                    edits,
                )
                break
