"""TF207: a generated database password that may hold characters RDS refuses."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Example, Invalid, Rule

# Where a database takes its master password.
PASSWORD_ARGS = {
    "aws_db_instance": "password",
    "aws_rds_cluster": "master_password",
    "aws_docdb_cluster": "master_password",
    "aws_neptune_cluster": "master_password",
    "aws_redshift_cluster": "master_password",
}
FORBIDDEN = set('/@" ')  # RDS: any printable ASCII except these
SPECIAL = "!#$%&*()-_=+[]{}<>:?"  # random_password's own default set without / @ and "


class DbPasswordSpecialChars(Rule):
    """A `random_password` used as a database password draws only characters RDS accepts.

    What it does: finds each `random_password` (CDKTF: the random provider's `Password`) whose
    `.result` is the master password of an RDS, Aurora, DocumentDB, Neptune or Redshift resource and that may produce `/`, `@`, `"` or a
    space (special characters on, the default, with no `override_special` or one that holds them),
    and sets `override_special = "!#$%&*()-_=+[]{}<>:?"`.

    Why: the database API rejects such a master password ("The parameter MasterUserPassword is
    not a valid password. Only printable ASCII characters besides '/', '@', '"', ' ' may be
    used"), so the apply fails at random, on the runs where one of them was drawn.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): the same length and character classes, without the four. Changing
    `override_special` generates a new password on the next apply.
    """

    code = "TF207"
    name = "db-password-special-chars"
    flavours = FLAVOURS
    severity = "error"
    examples = [
        Example(
            "terraform",
            before="""\
resource "random_password" "db" {
  length  = 24
  special = true
}

resource "aws_db_instance" "main" {
  identifier = "orders"
  password   = random_password.db.result
}
""",
            after="""\
resource "random_password" "db" {
  length           = 24
  special          = true
  override_special = "!#$%&*()-_=+[]{}<>:?"
}

resource "aws_db_instance" "main" {
  identifier = "orders"
  password   = random_password.db.result
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "random_password" "db" {
  length  = 24
  special = false
}

resource "random_password" "api" {
  length = 24
}

resource "aws_rds_cluster" "main" {
  master_password = random_password.db.result
}
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { Password } from "@cdktf/provider-random/lib/password";

const dbPassword = new Password(this, "db-password", { length: 24 });
new DbInstance(this, "db", { identifier: "orders", password: dbPassword.result });
""",
            """\
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { Password } from "@cdktf/provider-random/lib/password";

const dbPassword = new Password(this, "db-password", { length: 24, overrideSpecial: "!#$%&*()-_=+[]{}<>:?" });
new DbInstance(this, "db", { identifier: "orders", password: dbPassword.result });
""",
            message='`random_password.db-password` is a database master password and may contain / @ " or a space, '
            "which RDS refuses; limit its special characters",
            line=4,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_random.password import Password

db_password = Password(self, "db-password", length=24, special=True)
RdsCluster(self, "aurora", cluster_identifier="orders", master_password=db_password.result)
""",
            """\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_random.password import Password

db_password = Password(self, "db-password", length=24, special=True, override_special="!#$%&*()-_=+[]{}<>:?")
RdsCluster(self, "aurora", cluster_identifier="orders", master_password=db_password.result)
""",
        ),
    ]

    def check(self, ctx):
        for password in ctx.resources("random_password"):
            file = ctx.file(password.path)
            result = file.reference(password.ref, "result") if password.ref else None
            if result is None or not any(
                PASSWORD_ARGS.get(db.type) == name and result in prop.value.text for db, name, prop in ctx.refs_to(password)
            ):
                continue
            special = file.entry(password.body, "special")
            if special is not None and special.value.kind == "bool" and not special.value.value:
                continue
            override = file.entry(password.body, "override_special")
            if override is not None and not (override.value.kind == "string" and FORBIDDEN & set(override.value.value)):
                continue
            yield self.finding(
                Location(password.path, password.line, password.col),
                f"`random_password.{password.name}` is a database master password and may contain / @ \" or a "
                "space, which RDS refuses; limit its special characters",
                file.set_entry(password.body, "override_special", file.literal(SPECIAL)),
            )
