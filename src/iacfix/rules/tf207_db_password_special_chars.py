"""TF207: a generated database password that may hold characters RDS refuses."""

from __future__ import annotations

import re

from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, attribute, insert_attribute, location, replace_attribute, resources

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

    What it does: finds each `random_password` whose `.result` is the master password of an
    RDS, Aurora, DocumentDB, Neptune or Redshift resource and that may produce `/`, `@`, `"` or a
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
    flavours = ("terraform",)
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
    ]

    def check(self, ctx):
        module = Module(ctx)
        used = set()
        for rtype, arg in PASSWORD_ARGS.items():
            for d in resources(module, rtype):
                attr = attribute(d.block, arg)
                if attr is not None:
                    used |= set(re.findall(r"\brandom_password\.([\w-]+)\.result\b", attr.prop.value.text))
        for d in resources(module, "random_password"):
            if d.block.labels[1] not in used:
                continue
            special = attribute(d.block, "special")
            if special is not None and special.prop.value.text == "false":
                continue
            override = attribute(d.block, "override_special")
            literal = f'"{SPECIAL}"'
            if override is None:
                edits = insert_attribute(d.file, d.block, "override_special", literal)
            elif override.prop.value.kind == "string" and FORBIDDEN & set(override.prop.value.value):
                edits = replace_attribute(d.file, d.block, override, "override_special", literal)
            else:
                continue
            yield self.finding(
                location(d.file, d.block),
                f"`random_password.{d.block.labels[1]}` is a database master password and may contain / @ \" or a "
                "space, which RDS refuses; limit its special characters",
                edits,
            )
