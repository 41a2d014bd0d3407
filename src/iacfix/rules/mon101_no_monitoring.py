"""MON101: services, databases or load balancers with no monitoring at all."""

from __future__ import annotations

from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.terraform_module import Module

# The production web stack of the seed: containers behind a load balancer, with a database.
# One tier alone is not enough: about half the reviewed projects with any of these have no
# alarm at all, most of them small single-purpose stacks.
TIERS = {
    "ECS service": ("aws_ecs_service",),
    "load balancer": ("aws_lb", "aws_alb"),
    "database": ("aws_db_instance", "aws_rds_cluster"),
}
# Any of these means someone thought about monitoring.
MONITORING = (
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_composite_alarm",
    "aws_cloudwatch_dashboard",
    "aws_sns_topic",
)


# Reported and left as they are: each is `before` and `after` of an example.
HCL_REPORTED = """\
resource "aws_ecs_service" "app" {
  name          = "app"
  desired_count = 2
}

resource "aws_lb" "web" {
  name = "app"
}

resource "aws_db_instance" "db" {
  identifier = "app"
}
"""

TS_REPORTED = """\
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
new EcsService(this, 'app', { name: 'app', desiredCount: 2 });
new Lb(this, 'alb', { name: 'web', loadBalancerType: 'application' });
new RdsCluster(this, 'db', { clusterIdentifier: 'orders', engine: 'aurora-postgresql' });
"""

PY_STACK = """\
from cdktf_cdktf_provider_aws.ecs_service import EcsService
from cdktf_cdktf_provider_aws.lb import Lb
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

EcsService(self, "app", name="app", desired_count=2)
Lb(self, "alb", name="web")
RdsCluster(self, "db", cluster_identifier="orders", engine="aurora-postgresql")
"""

class NoMonitoring(Rule):
    """A production web stack (ECS services, load balancer, database) has no monitoring at all.

    What it does: reports once per project (a CDKTF app, a Terraform module) that declares an
    `aws_ecs_service`, an `aws_lb` and an `aws_db_instance` / `aws_rds_cluster` but not a
    single CloudWatch metric or composite alarm, CloudWatch dashboard or SNS topic. A
    Terraform module that calls other modules is left alone: the monitoring may live in one of
    them. Projects with only some of these tiers are not reported: half of the reviewed ones
    have no alarms, so a report there would be noise rather than a finding.

    Why: without alarms nobody learns that the service is down, the database out of CPU or
    the targets unhealthy until users say so; without a topic no alarm can reach anyone; a
    dashboard is where an incident starts.

    Convention (pipeline): the pipeline's tasks ask for monitoring of a production stack. A library,
    an example or an app monitored from elsewhere (another stack, other tooling) is not wrong
    without alarms here.

    Not fixed: which metrics matter, their thresholds and who is paged are the team's
    decisions. Add at least alarms on ECS CPU/memory, ALB unhealthy hosts and 5xx, RDS CPU and
    free storage, an SNS topic they notify, and a dashboard of the same metrics.
    """

    code = "MON101"
    name = "no-monitoring"
    flavours = FLAVOURS
    severity = "note"
    convention = "pipeline"
    fix = "none"
    seeds = ("002#22", "002#23", "002#24")
    examples = [
        Example("terraform", HCL_REPORTED, HCL_REPORTED),  # reported, unchanged
        Example("cdktf-ts", TS_REPORTED, TS_REPORTED),  # reported, unchanged
        Example("cdktf-py", PY_STACK, PY_STACK),  # reported, unchanged
        Example(  # an alarm in another file of the app is monitoring
            "cdktf-py",
            files={
                "lib/monitoring.py": """\
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm

CloudwatchMetricAlarm(self, "cpu", alarm_name="db-cpu", comparison_operator="GreaterThanThreshold", evaluation_periods=2)
""",
            },
            before=PY_STACK,
        ),
        Example(  # a database and a service without a load balancer: not the stack this is about
            "terraform",
            before="""\
resource "aws_ecs_service" "worker" {
  name = "worker"
}

resource "aws_rds_cluster" "db" {
  cluster_identifier = "jobs"
}
""",
        ),
        Example(  # a module that calls modules: monitoring may be in one of them
            "terraform",
            before="""\
module "monitoring" {
  source = "./modules/monitoring"
}

resource "aws_ecs_service" "app" {
  name = "app"
}

resource "aws_lb" "web" {
  name = "app"
}

resource "aws_db_instance" "db" {
  identifier = "app"
}
""",
        ),
    ]

    def check(self, ctx):
        if ctx.resources(*MONITORING):
            return
        if Module(ctx).blocks("module"):
            return
        tiers = {kind: ctx.resources(*types) for kind, types in TIERS.items()}
        if not all(tiers.values()):
            return
        yield self.finding(
            tiers["ECS service"][0],
            "this project runs ECS services behind a load balancer with a database and has no CloudWatch alarm, "
            "dashboard or SNS topic, so failures go unnoticed; add alarms (CPU, unhealthy targets, 5xx, free "
            "storage), an SNS topic they notify, and a dashboard",
        )
