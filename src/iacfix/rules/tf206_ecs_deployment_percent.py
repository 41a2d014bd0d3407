"""TF206: ECS deployment percentages in a `deployment_configuration` block."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Example, Invalid, Rule

RENAMED = {"maximum_percent": "deployment_maximum_percent", "minimum_healthy_percent": "deployment_minimum_healthy_percent"}
MESSAGE = (
    "aws_ecs_service has no `deployment_configuration { maximum_percent ... }`: the percentages are "
    "`deployment_maximum_percent` and `deployment_minimum_healthy_percent` of the service"
)


class EcsDeploymentPercent(Rule):
    """An ECS service sets its deployment percentages as arguments of the service.

    What it does: replaces a `deployment_configuration { maximum_percent = ...
    minimum_healthy_percent = ... }` block of an `aws_ecs_service` (CloudFormation's shape; CDKTF:
    `deploymentConfiguration: { maximumPercent: ... }` on `EcsService`) by the service's own
    `deployment_maximum_percent` / `deployment_minimum_healthy_percent`. A block holding anything
    else is reported only.

    Why: the AWS provider has no such arguments in that block (provider 5 has no block at all,
    provider 6's is for the deployment strategy), so `terraform validate` fails with
    "Unsupported argument" / "Unsupported block type".

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): the same numbers, where the provider reads them.
    """

    code = "TF206"
    name = "ecs-deployment-percent"
    flavours = FLAVOURS
    severity = "error"
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_ecs_service" "app" {
  name          = "app"
  desired_count = 2

  deployment_configuration {
    maximum_percent         = 200
    minimum_healthy_percent = 50
  }
}
""",
            after="""\
resource "aws_ecs_service" "app" {
  name          = "app"
  desired_count = 2

  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 50
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_ecs_service" "app" {
  name                               = "app"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 50
}
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";

new EcsService(this, "app", {
  name: "app",
  desiredCount: 2,
  deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50 },
});
""",
            """\
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";

new EcsService(this, "app", {
  name: "app",
  desiredCount: 2,
  deploymentMaximumPercent: 200,
  deploymentMinimumHealthyPercent: 50,
});
""",
            message=MESSAGE,
            line=6,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.ecs_service import EcsService

EcsService(self, "app", name="app", deployment_configuration={"maximum_percent": 200, "minimum_healthy_percent": 50})
""",
            """\
from cdktf_cdktf_provider_aws.ecs_service import EcsService

EcsService(self, "app", name="app", deployment_maximum_percent=200, deployment_minimum_healthy_percent=50)
""",
            message=MESSAGE,
            line=3,
        ),
    ]

    def check(self, ctx):
        for service in ctx.resources("aws_ecs_service"):
            file = ctx.file(service.path)
            prop = file.entry(service.body, "deployment_configuration")
            blocks = prop.value.objects() if prop is not None else []
            for block in blocks:
                keys = [_terraform_name(p.key) for p in block.props]
                fixable = (
                    len(blocks) == 1
                    and keys
                    and set(keys) <= set(RENAMED)
                    and not any(file.entry(service.body, RENAMED[k]) for k in keys)
                )
                edits = []
                if fixable:
                    entries = [(RENAMED[k], p.value.text) for k, p in zip(keys, block.props)]
                    edits = file.replace_entry(service.body, prop, entries)
                yield self.finding(Location(service.path, block.line, block.col), MESSAGE, edits)


def _terraform_name(key: str) -> str:
    """`maximumPercent` and `maximum_percent` alike (the model's names, in any flavour)."""
    return "".join("_" + c.lower() if c.isupper() else c for c in key)
