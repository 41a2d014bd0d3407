"""TF205: `log_destination_arn` / `log_group_name` on a VPC flow log."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Example, Invalid, Reported, Rule

WRONG = ("log_destination_arn", "log_group_name")


class FlowLogDestination(Rule):
    """A VPC flow log names its destination with `log_destination`.

    What it does: on `aws_flow_log` (CDKTF: `FlowLog`), renames `log_destination_arn` (an
    argument that never existed) and `log_group_name` (deprecated, removed in AWS provider 6) to
    `log_destination`. A `log_group_name` holding a log group's name, not its ARN
    (`aws_cloudwatch_log_group.x.name`, `logGroup.name`), gets the ARN (`...arn`); a name the
    rule cannot turn into an ARN is reported.

    Why: `terraform validate` stops at `log_destination_arn` ("An argument named
    "log_destination_arn" is not expected here"); `log_group_name` warns on provider 5 and fails
    on provider 6. `log_destination` takes the ARN of the log group (or bucket, or stream), and
    the default `log_destination_type` is `cloud-watch-logs`.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): the same destination under the current argument.
    """

    code = "TF205"
    name = "flow-log-destination"
    flavours = FLAVOURS
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
        Invalid(
            "cdktf-ts",
            """\
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";

const flowLogs = new CloudwatchLogGroup(this, "flow-logs", { name: "/vpc/flow" });
new FlowLog(this, "flow", { vpcId: vpc.id, trafficType: "ALL", logGroupName: flowLogs.name });
""",
            """\
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";

const flowLogs = new CloudwatchLogGroup(this, "flow-logs", { name: "/vpc/flow" });
new FlowLog(this, "flow", { vpcId: vpc.id, trafficType: "ALL", logDestination: flowLogs.arn });
""",
            message="`log_group_name` is deprecated and gone in AWS provider 6; the destination's ARN goes in `log_destination`",
            line=5,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.flow_log import FlowLog

FlowLog(self, "flow", vpc_id=vpc.id, traffic_type="ALL", log_destination_arn=bucket.arn, log_destination_type="s3")
""",
            """\
from cdktf_cdktf_provider_aws.flow_log import FlowLog

FlowLog(self, "flow", vpc_id=vpc.id, traffic_type="ALL", log_destination=bucket.arn, log_destination_type="s3")
""",
            message="`log_destination_arn` is not an argument of aws_flow_log; the destination's ARN goes in `log_destination`",
            line=3,
        ),
        Reported(  # a name from elsewhere: which log group's ARN is it?
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.flow_log import FlowLog

FlowLog(self, "flow", vpc_id=vpc.id, log_group_name=props.log_group_name)
""",
        ),
    ]

    def check(self, ctx):
        for flow_log in ctx.resources("aws_flow_log"):
            file = ctx.file(flow_log.path)
            if file.entry(flow_log.body, "log_destination") is not None:
                continue
            prop, key = next(((p, k) for k in WRONG if (p := file.entry(flow_log.body, k)) is not None), (None, None))
            if prop is None:
                continue
            value = prop.value.text
            if key == "log_group_name":
                read = ctx.referenced(flow_log.path, prop.value)
                value = file.reference(read.ref, "arn") if read and read.type == "aws_cloudwatch_log_group" and read.attribute == "name" else None
            edits = file.rename_entry(flow_log.body, prop, "log_destination") if value is not None else []
            if edits and value != prop.value.text:
                edits += file.replace_value(prop, value)
            message = (
                "`log_destination_arn` is not an argument of aws_flow_log"
                if key == "log_destination_arn"
                else "`log_group_name` is deprecated and gone in AWS provider 6"
            ) + "; the destination's ARN goes in `log_destination`"
            yield self.finding(Location(flow_log.path, prop.value.line, _key_col(file, prop)), message, edits)


def _key_col(file, prop) -> int:
    return prop.key_span[0] - file.text.rfind("\n", 0, prop.key_span[0])
