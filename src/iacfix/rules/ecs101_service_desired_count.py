"""ECS101: an ECS service without a desired count."""

from __future__ import annotations

import re

from iacfix.model import Resource, Value
from iacfix.rule import FLAVOURS, Example, Rule

DEFAULT_COUNT = 2  # at least two tasks, so one failing task or AZ does not take the service down


class EcsServiceDesiredCount(Rule):
    """An ECS service without a desired count runs no tasks.

    What it does: finds an `aws_ecs_service` / `EcsService` with no `desired_count` /
    `desiredCount` and adds one: the `min_capacity` of the Application Auto Scaling target that
    scales that service when there is one, else 2. DAEMON services (one task per instance,
    no count) are left alone, and so is a service whose scheduling strategy is not a literal.

    Why: the provider's default is 0, so the service is created and never starts a task; a
    count of 1 would leave a single point of failure. Two tasks spread over two AZs survive the
    loss of one. With an autoscaling target, its minimum is the count it would enforce anyway.

    Fix (safe): add the attribute as the last one of the service, in the file's own style.
    """

    code = "ECS101"
    name = "ecs-service-desired-count"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("000#5",)
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
const service = new EcsService(this, 'service', {
  name: 'app',
  launchType: 'FARGATE',
});
""",
            after="""\
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
const service = new EcsService(this, 'service', {
  name: 'app',
  launchType: 'FARGATE',
  desiredCount: 2,
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.ecs_service import EcsService
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget

service = EcsService(self, "service", name="app", launch_type="FARGATE")
AppautoscalingTarget(
    self,
    "target",
    resource_id=f"service/{cluster.name}/{service.name}",
    scalable_dimension="ecs:service:DesiredCount",
    service_namespace="ecs",
    min_capacity=3,
    max_capacity=6,
)
""",
            after="""\
from cdktf_cdktf_provider_aws.ecs_service import EcsService
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget

service = EcsService(self, "service", name="app", launch_type="FARGATE", desired_count=3)
AppautoscalingTarget(
    self,
    "target",
    resource_id=f"service/{cluster.name}/{service.name}",
    scalable_dimension="ecs:service:DesiredCount",
    service_namespace="ecs",
    min_capacity=3,
    max_capacity=6,
)
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_ecs_service" "app" {
  name    = "app"
  cluster = aws_ecs_cluster.main.id

  network_configuration {
    subnets = var.subnets
  }
}
""",
            after="""\
resource "aws_ecs_service" "app" {
  name          = "app"
  cluster       = aws_ecs_cluster.main.id
  desired_count = 2

  network_configuration {
    subnets = var.subnets
  }
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_ecs_service" "agent" {
  name                = "agent"
  scheduling_strategy = "DAEMON"
}
""",
        ),
    ]

    def check(self, ctx):
        targets = ctx.resources("aws_appautoscaling_target")
        for service in ctx.resources("aws_ecs_service"):
            if "desired_count" in service.attrs:
                continue
            strategy = service.attr_value("scheduling_strategy")
            if strategy is not None and (strategy.kind != "string" or strategy.value == "DAEMON"):
                continue
            file = ctx.file(service.path)
            minimum = _autoscaling_minimum(service, targets)
            if minimum is not None:
                value, source = minimum.text, "the min capacity of its autoscaling target"
            else:
                value, source = file.literal(DEFAULT_COUNT), "two tasks for availability"
            label = f"`{service.name or service.ref}` " if service.name or service.ref else ""
            yield self.finding(
                service,
                f"ECS service {label}has no desired count, so it runs 0 tasks (the provider default); "
                f"set to {value} ({source})",
                file.insert_attr(service, "desired_count", value),
            )


def _autoscaling_minimum(service: Resource, targets: list[Resource]) -> Value | None:
    """The min_capacity of the autoscaling target whose resource_id names this service.

    Only a value that means the same where the service is written is used: a number, or in HCL
    a module-wide `var.` / `local.` reference. CDKTF names are only comparable within one file.
    """
    if not service.ref:
        return None
    names_service = re.compile(rf"(?<![\w.]){re.escape(service.ref)}\.(name|id)\b")
    for target in targets:
        resource_id = target.attr_value("resource_id")
        minimum = target.attr_value("min_capacity")
        if resource_id is None or minimum is None or not names_service.search(resource_id.text):
            continue
        if service.language != "hcl" and target.path != service.path:
            continue
        if minimum.kind == "number" or (service.language == "hcl" and re.fullmatch(r"(var|local)\.\w+", minimum.text)):
            return minimum
    return None
