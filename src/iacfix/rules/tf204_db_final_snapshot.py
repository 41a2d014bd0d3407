"""TF204: a database that cannot be destroyed: no final snapshot name, snapshot not skipped."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Invalid, Reported, Rule, Valid

# Resources whose destroy takes a final snapshot unless told to skip it, and need its name.
DATABASES = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster")
# The argument that names each one (a final snapshot's name is derived from it).
IDENTIFIERS = ("identifier", "cluster_identifier")


class DbFinalSnapshot(Rule):
    """A database either names its final snapshot or skips it.

    What it does: on `aws_db_instance`, `aws_rds_cluster`, `aws_docdb_cluster`,
    `aws_neptune_cluster` and `aws_redshift_cluster` (CDKTF: `DbInstance`, `RdsCluster` ...)
    without `final_snapshot_identifier` and without deletion protection:

    - where the project deploys ephemeral stacks (the pipeline convention, see
      `iacfix.conventions`): sets `skip_final_snapshot = true` (added, or replacing `false`);
    - elsewhere a database of a lasting stack wants its data kept: names the snapshot,
      `final_snapshot_identifier = "<identifier>-final"`, when the identifier is a literal (an
      unsafe fix: the name is a guess), and reports it otherwise;
    - a `skip_final_snapshot` that is an expression: left to a human.

    A database with `deletion_protection = true` is left alone: destroying it is refused on
    purpose.

    Why: `skip_final_snapshot` defaults to false, and then the provider needs a snapshot name at
    destroy time: `terraform destroy` fails with "final_snapshot_identifier is required when
    skip_final_snapshot is false", and the database (and everything depending on it) stays.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe in a pipeline project: skip the snapshot; unsafe elsewhere: name it).
    """

    code = "TF204"
    name = "db-final-snapshot"
    flavours = FLAVOURS
    seeds = ("002#10",)
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_db_instance" "main" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t3.micro"
}
""",
            """\
resource "aws_db_instance" "main" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  skip_final_snapshot = true
}
""",
            options={"conventions": ["pipeline"]},
            message="`aws_db_instance.main` has no final_snapshot_identifier and does not skip the final snapshot, "
            "so `terraform destroy` fails; set skip_final_snapshot = true",
            line=1,
        ),
        Invalid(  # outside the pipeline: the snapshot is named (unsafe: the name is a guess)
            "terraform",
            """\
resource "aws_db_instance" "main" {
  identifier = "orders"
}
""",
            """\
resource "aws_db_instance" "main" {
  identifier                = "orders"
  final_snapshot_identifier = "orders-final"
}
""",
            message="`aws_db_instance.main` does not skip the final snapshot but does not name it, "
            "so `terraform destroy` fails; name it in final_snapshot_identifier",
            unsafe=True,
        ),
        Invalid(  # a pipeline project skips it
            "terraform",
            """\
resource "aws_rds_cluster" "main" {
  cluster_identifier  = "orders"
  skip_final_snapshot = false
}
""",
            """\
resource "aws_rds_cluster" "main" {
  cluster_identifier  = "orders"
  skip_final_snapshot = true
}
""",
            options={"conventions": ["pipeline"]},
        ),
        Invalid(  # elsewhere the chosen snapshot is named
            "terraform",
            """\
resource "aws_rds_cluster" "main" {
  cluster_identifier  = "orders"
  skip_final_snapshot = false
}
""",
            """\
resource "aws_rds_cluster" "main" {
  cluster_identifier        = "orders"
  skip_final_snapshot       = false
  final_snapshot_identifier = "orders-final"
}
""",
            message="`aws_rds_cluster.main` keeps a final snapshot (skip_final_snapshot = false) but does not name it, "
            "so `terraform destroy` fails; name it in final_snapshot_identifier",
            unsafe=True,
        ),
        Reported(
            "terraform",
            """\
resource "aws_rds_cluster" "main" {
  cluster_identifier  = var.name
  skip_final_snapshot = false
}
""",
        ),
        Valid(
            "terraform",
            """\
resource "aws_db_instance" "main" {
  identifier                = "orders"
  final_snapshot_identifier = "orders-final"
}

resource "aws_rds_cluster" "other" {
  skip_final_snapshot = var.skip_snapshot
}

resource "aws_docdb_cluster" "kept" {
  deletion_protection = true
}
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";

new DbInstance(this, "db", {
  identifier: "orders",
  engine: "postgres",
  instanceClass: "db.t3.micro",
});
""",
            """\
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";

new DbInstance(this, "db", {
  identifier: "orders",
  engine: "postgres",
  instanceClass: "db.t3.micro",
  skipFinalSnapshot: true,
});
""",
            options={"conventions": ["pipeline"]},
            message="`aws_db_instance.db` has no final_snapshot_identifier and does not skip the final snapshot, "
            "so `terraform destroy` fails; set skip_final_snapshot = true",
            line=3,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "aurora", cluster_identifier="orders", engine="aurora-postgresql", skip_final_snapshot=False)
""",
            """\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "aurora", cluster_identifier="orders", engine="aurora-postgresql", skip_final_snapshot=False, final_snapshot_identifier="orders-final")
""",
            unsafe=True,
        ),
    ]

    def check(self, ctx):
        pipeline = None
        for db in ctx.resources(*DATABASES):
            file = ctx.file(db.path)
            protection = file.entry(db.body, "deletion_protection")
            if file.entry(db.body, "final_snapshot_identifier") is not None or (
                protection is not None and protection.value.kind == "bool" and protection.value.value
            ):
                continue
            skip = file.entry(db.body, "skip_final_snapshot")
            what = f"`{db.address or db.type}`"
            if pipeline is None:
                pipeline = ctx.follows("pipeline")
            if pipeline and (skip is None or skip.value.kind == "bool" and not skip.value.value):
                edits = file.set_entry(db.body, "skip_final_snapshot", file.literal(True))
                message = (
                    f"{what} has no final_snapshot_identifier and does not skip the final snapshot, "
                    "so `terraform destroy` fails; set skip_final_snapshot = true"
                )
                yield self.finding(Location(db.path, db.line, db.col), message, edits)
            elif skip is None or skip.value.kind == "bool" and not skip.value.value:
                name = next((v.value for n in IDENTIFIERS if (v := db.attr_value(n)) is not None and v.kind == "string"), None)
                edits = file.insert_entry(db.body, "final_snapshot_identifier", file.literal(f"{name}-final")) if name else []
                kept = "does not skip the final snapshot" if skip is None else "keeps a final snapshot (skip_final_snapshot = false)"
                message = f"{what} {kept} but does not name it, so `terraform destroy` fails; name it in final_snapshot_identifier"
                yield self.finding(Location(db.path, db.line, db.col), message, edits, safety="unsafe")
