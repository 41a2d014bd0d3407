"""RDS101: Performance Insights turned on for an instance class that does not support it."""

from __future__ import annotations

from iacfix.rule import FLAVOURS, Example, Rule

# Instance classes on which Performance Insights cannot be turned on, by engine, from AWS's
# "DB engine, Region, and instance class support for Database Insights" tables (RDS and Aurora
# user guides). RDS for PostgreSQL has no such restriction. Aurora PostgreSQL has none either,
# but does not offer the micro classes at all, so the create fails there the same way (seed 002).
_SMALL_BURSTABLE = {f"db.{family}.{size}" for family in ("t2", "t3", "t4g") for size in ("micro", "small")}
UNSUPPORTED = {
    "mysql": _SMALL_BURSTABLE,
    "mariadb": _SMALL_BURSTABLE,
    "aurora-mysql": {"db.t4g.micro", "db.t4g.small"},  # and every db.t2.* / db.t3.*
    "aurora": {"db.t4g.micro", "db.t4g.small"},
    "aurora-postgresql": {"db.t2.micro", "db.t3.micro", "db.t4g.micro"},
}
UNSUPPORTED_FAMILIES = {"aurora-mysql": ("db.t2.", "db.t3."), "aurora": ("db.t2.", "db.t3.")}
RESOURCE_TYPES = ("aws_db_instance", "aws_rds_cluster_instance")
# Set without Performance Insights, these fail too, so they go with it.
DEPENDENT = ("performance_insights_retention_period", "performance_insights_kms_key_id")


def unsupported(engine: str, instance_class: str) -> bool:
    return instance_class in UNSUPPORTED.get(engine, ()) or instance_class.startswith(
        UNSUPPORTED_FAMILIES.get(engine, ("-",))
    )


class PerformanceInsightsOnMicro(Rule):
    """Performance Insights cannot run on the small burstable instance classes.

    What it does: on an `aws_db_instance` / `aws_rds_cluster_instance` (`DbInstance`,
    `RdsClusterInstance`) whose engine does not support Performance Insights on its
    `instance_class` (MySQL and MariaDB on db.t2/t3/t4g micro and small; Aurora MySQL on any
    db.t2/db.t3 and db.t4g micro/small; Aurora PostgreSQL on the micro classes), turns
    `performance_insights_enabled` off and removes the retention period and KMS key that only
    make sense with it. A cluster instance's engine is read from its cluster when it refers to
    it (`engine = aws_rds_cluster.main.engine`).

    Why: the create call fails with InvalidParameterCombination ("Performance Insights not
    supported for this configuration"), so the deployment stops half-way.

    Not covered: an engine or class held in a variable (the value is not known here), and RDS
    for PostgreSQL (no such restriction). To keep Performance Insights, choose a larger class
    instead of applying this fix.

    Fix (safe): `performance_insights_enabled = false`, dependent attributes removed.
    """

    code = "RDS101"
    name = "performance-insights-on-micro"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("002#9",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_rds_cluster" "main" {
  engine = "aurora-postgresql"
}

resource "aws_rds_cluster_instance" "writer" {
  cluster_identifier                    = aws_rds_cluster.main.id
  engine                                = aws_rds_cluster.main.engine
  instance_class                        = "db.t3.micro"
  performance_insights_enabled          = true
  performance_insights_retention_period = 7
  performance_insights_kms_key_id       = aws_kms_key.db.arn
}
""",
            after="""\
resource "aws_rds_cluster" "main" {
  engine = "aurora-postgresql"
}

resource "aws_rds_cluster_instance" "writer" {
  cluster_identifier           = aws_rds_cluster.main.id
  engine                       = aws_rds_cluster.main.engine
  instance_class               = "db.t3.micro"
  performance_insights_enabled = false
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
new DbInstance(this, 'db', {
  engine: 'mysql',
  instanceClass: 'db.t3.small',
  performanceInsightsEnabled: true,
  performanceInsightsRetentionPeriod: 7,
});
""",
            after="""\
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
new DbInstance(this, 'db', {
  engine: 'mysql',
  instanceClass: 'db.t3.small',
  performanceInsightsEnabled: false,
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.db_instance import DbInstance

DbInstance(self, "db", engine="mariadb", instance_class="db.t2.micro", performance_insights_enabled=True)
""",
            after="""\
from cdktf_cdktf_provider_aws.db_instance import DbInstance

DbInstance(self, "db", engine="mariadb", instance_class="db.t2.micro", performance_insights_enabled=False)
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_db_instance" "small_mysql" {
  engine                       = "mysql"
  instance_class               = "db.t3.medium"
  performance_insights_enabled = true
}

resource "aws_db_instance" "micro_postgres" {
  engine                       = "postgres"
  instance_class               = "db.t3.micro"
  performance_insights_enabled = true
}
""",
        ),
    ]

    def check(self, ctx):
        for db in ctx.resources(*RESOURCE_TYPES):
            instance_class = db.attr_value("instance_class")
            enabled = db.attr_value("performance_insights_enabled")
            engine = _engine(db, ctx)
            if instance_class is None or instance_class.kind != "string" or engine is None:
                continue
            if enabled is None or enabled.kind != "bool" or not enabled.value:
                continue
            if not unsupported(engine, instance_class.value):
                continue
            file = ctx.file(db.path)
            edits = file.replace_value(db.attrs["performance_insights_enabled"], file.literal(False))
            edits += file.remove_attrs(db, [name for name in DEPENDENT if name in db.attrs])
            yield self.finding(
                db,
                f"Performance Insights is not supported for {engine} on {instance_class.value} and fails the "
                "deployment; turned off (choose a larger instance class to keep it)",
                edits,
            )


def _engine(db, ctx) -> str | None:
    """The engine as a literal, following a cluster instance's reference to its cluster."""
    engine = db.attr_value("engine")
    if engine is None:
        return None
    if engine.kind == "string":
        return engine.value
    for cluster in ctx.resources("aws_rds_cluster"):
        # CDKTF variable names mean something only within their file; HCL names module-wide.
        same_scope = db.language == "hcl" or cluster.path == db.path
        if same_scope and cluster.ref and engine.text == f"{cluster.ref}.engine":
            own = cluster.attr_value("engine")
            return own.value if own is not None and own.kind == "string" else None
    return None
