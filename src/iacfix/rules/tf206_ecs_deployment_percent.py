"""TF206: ECS deployment percentages in a `deployment_configuration` block."""

from __future__ import annotations

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, location, resources
from iacfix.rulekit.text import indentation_at, removal_span

RENAMED = {"maximum_percent": "deployment_maximum_percent", "minimum_healthy_percent": "deployment_minimum_healthy_percent"}


class EcsDeploymentPercent(Rule):
    """An ECS service sets its deployment percentages as arguments of the service.

    What it does: replaces a `deployment_configuration { maximum_percent = ...
    minimum_healthy_percent = ... }` block of an `aws_ecs_service` (CloudFormation's shape) by
    the service's own `deployment_maximum_percent` / `deployment_minimum_healthy_percent`. A block
    holding anything else is reported only.

    Why: the AWS provider has no such arguments in that block (provider 5 has no block at all,
    provider 6's is for the deployment strategy), so `terraform validate` fails with
    "Unsupported argument" / "Unsupported block type".

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): the same numbers, where the provider reads them.
    """

    code = "TF206"
    name = "ecs-deployment-percent"
    flavours = ("terraform",)
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
    ]

    def check(self, ctx):
        for d in resources(Module(ctx), "aws_ecs_service"):
            for block in d.block.blocks:
                if block.type != "deployment_configuration":
                    continue
                keys = [a.key for a in block.attributes]
                fixable = keys and not block.blocks and set(keys) <= set(RENAMED) and not any(
                    a.key == RENAMED[k] for a in d.block.attributes for k in keys
                )
                edits = []
                if fixable:
                    text = d.file.text
                    indent = indentation_at(text, block.span[0])
                    width = max(len(RENAMED[k]) for k in keys)
                    lines = [f"{indent}{RENAMED[a.key].ljust(width)} = {a.prop.value.text}" for a in block.attributes]
                    start, end = removal_span(text, *block.span, comment_prefixes=d.file.comment_prefixes)
                    edits = [Edit(d.file.path, start, end, "\n".join(lines) + "\n")]
                yield self.finding(
                    location(d.file, block),
                    "aws_ecs_service has no `deployment_configuration { maximum_percent ... }`: the percentages are "
                    "`deployment_maximum_percent` and `deployment_minimum_healthy_percent` of the service",
                    edits,
                )
