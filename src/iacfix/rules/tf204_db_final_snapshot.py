"""TF204: a database that cannot be destroyed: no final snapshot name, snapshot not skipped."""

from __future__ import annotations

from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, attribute, insert_attribute, location, replace_attribute, resources

# Resources whose destroy takes a final snapshot unless told to skip it, and need its name.
DATABASES = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster")


class DbFinalSnapshot(Rule):
    """A database either names its final snapshot or skips it.

    What it does: on `aws_db_instance`, `aws_rds_cluster`, `aws_docdb_cluster`,
    `aws_neptune_cluster` and `aws_redshift_cluster` without `final_snapshot_identifier`, sets
    `skip_final_snapshot = true` (adding it, or replacing a literal `false`). A value that is an
    expression is left to a human.

    Why: `skip_final_snapshot` defaults to false, and then the provider needs a snapshot name at
    destroy time: `terraform destroy` fails with "final_snapshot_identifier is required when
    skip_final_snapshot is false", and the database (and everything depending on it) stays.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): skip the snapshot; name one instead (`final_snapshot_identifier`) for data that
    must outlive the stack.
    """

    code = "TF204"
    name = "db-final-snapshot"
    flavours = ("terraform",)
    seeds = ("002#10",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_db_instance" "main" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t3.micro"
}
""",
            after="""\
resource "aws_db_instance" "main" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  skip_final_snapshot = true
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_rds_cluster" "main" {
  cluster_identifier  = "orders"
  skip_final_snapshot = false
}
""",
            after="""\
resource "aws_rds_cluster" "main" {
  cluster_identifier  = "orders"
  skip_final_snapshot = true
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_db_instance" "main" {
  identifier                = "orders"
  final_snapshot_identifier = "orders-final"
}

resource "aws_rds_cluster" "other" {
  skip_final_snapshot = var.skip_snapshot
}
""",
        ),
    ]

    def check(self, ctx):
        for rtype in DATABASES:
            for d in resources(Module(ctx), rtype):
                if attribute(d.block, "final_snapshot_identifier") is not None:
                    continue
                skip = attribute(d.block, "skip_final_snapshot")
                if skip is None:
                    edits = insert_attribute(d.file, d.block, "skip_final_snapshot", "true")
                elif skip.prop.value.kind == "bool" and not skip.prop.value.value:
                    edits = replace_attribute(d.file, d.block, skip, "skip_final_snapshot", "true")
                else:
                    continue
                yield self.finding(
                    location(d.file, d.block),
                    f"`{'.'.join(d.block.labels)}` has no final_snapshot_identifier and does not skip the final "
                    "snapshot, so `terraform destroy` fails; set skip_final_snapshot = true",
                    edits,
                )
