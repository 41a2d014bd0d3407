"""RDS102: a database master password that is never rotated."""

from __future__ import annotations

import re

from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.text import line_col_at, line_starts

DATABASES = ("aws_rds_cluster", "aws_db_instance")

# A line that speaks of rotating the database credentials (not a KMS key's rotation): the code
# itself says rotation was wanted.
_ROTATION_WORD = re.compile(r"rotat", re.IGNORECASE)
_CREDENTIAL_WORD = re.compile(r"secret|password|credential", re.IGNORECASE)
_KEY_ROTATION = re.compile(r"key[_ ]?rotation", re.IGNORECASE)

# What a password expression reads from: `random_password.db`, `var.db_password`,
# `local.pw`, `aws_secretsmanager_secret_version.db`, `this.dbPassword`, `db_password`.
_ROOT = re.compile(r"(?<![\w$.])(?:(?:data\.)?[A-Za-z_$][\w$-]*\.)?[A-Za-z_$][\w$-]*")


class DbPasswordWithoutRotation(Rule):
    """A database master password the stack sets itself and nothing ever rotates.

    What it does: finds an `aws_rds_cluster` / `aws_db_instance` (`RdsCluster`, `DbInstance`)
    whose `master_password` is set by the code, while no `aws_secretsmanager_secret_rotation`
    exists, and either the password is a literal in the source or the code says the credentials
    should rotate (a comment or description about rotating the secret/password). There it
    replaces `master_password` by `manage_master_user_password = true`: RDS then creates the
    secret in Secrets Manager itself and rotates it (every 7 days by default; for 30 days add an
    `aws_secretsmanager_secret_rotation` on `master_user_secret[0].secret_arn` with
    `rotation_rules { automatically_after_days = 30 }`, no Lambda needed).

    Only partly automatable: when other code reads the old password (a Secrets Manager secret
    version storing it, an output, a task definition secret, a connection string), switching
    would leave them with a value the database no longer accepts, so the rule only reports
    which lines must read `master_user_secret[0].secret_arn` instead. Aurora Serverless v1
    (`engine_mode = "serverless"`) and RDS Custom engines do not support RDS-managed passwords:
    reported, with rotation through a Lambda left to a human; so are members of an Aurora global
    database and replica clusters/instances, which the RDS guides list as unsupported too. A password from a variable or
    `random_password` in code that never mentions rotation is left alone (most stacks do that
    on purpose).

    Why: a static master password (worse, one written in the source and the state) is never
    changed; compliance requirements ask for automatic rotation, and a rotation Lambda is a lot
    of code to get right where RDS can do it alone.

    Fix (unsafe, it changes how the password is managed): `manage_master_user_password = true`
    instead of `master_password`.
    """

    code = "RDS102"
    name = "db-password-without-rotation"
    flavours = FLAVOURS
    fix = "unsafe"
    seeds = ("000#2",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_rds_cluster" "main" {
  cluster_identifier = "orders"
  engine             = "aurora-postgresql"
  master_username    = "app"
  master_password    = "Secret123!"
}
""",
            after="""\
resource "aws_rds_cluster" "main" {
  cluster_identifier          = "orders"
  engine                      = "aurora-postgresql"
  master_username             = "app"
  manage_master_user_password = true
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { Password } from '@cdktf/provider-random/lib/password';
const pw = new Password(this, 'pw', { length: 24 });
// TODO: rotate the database password with a rotation Lambda
new DbInstance(this, 'db', {
  engine: 'mysql',
  username: 'admin',
  masterPassword: pw.result,
});
""",
            after="""\
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { Password } from '@cdktf/provider-random/lib/password';
const pw = new Password(this, 'pw', { length: 24 });
// TODO: rotate the database password with a rotation Lambda
new DbInstance(this, 'db', {
  engine: 'mysql',
  username: 'admin',
  manageMasterUserPassword: true,
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "db", engine="aurora-mysql", master_username="admin", master_password="changeme")
""",
            after="""\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "db", engine="aurora-mysql", master_username="admin", manage_master_user_password=True)
""",
        ),
        # The password is stored in a secret others read: reported, not switched silently.
        Example(
            "terraform",
            before="""\
resource "random_password" "db" {
  length = 20
}

# Secrets Manager secret; rotation omitted to keep the example short
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}

resource "aws_rds_cluster" "main" {
  engine          = "aurora-mysql"
  master_username = "admin"
  master_password = random_password.db.result
}
""",
            after="""\
resource "random_password" "db" {
  length = 20
}

# Secrets Manager secret; rotation omitted to keep the example short
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}

resource "aws_rds_cluster" "main" {
  engine          = "aurora-mysql"
  master_username = "admin"
  master_password = random_password.db.result
}
""",
        ),
        # Aurora Serverless v1 cannot have RDS manage the password: reported.
        Example(
            "terraform",
            before="""\
resource "aws_rds_cluster" "main" {
  engine          = "aurora-mysql"
  engine_mode     = "serverless"
  master_username = "admin"
  master_password = "changeme"
}
""",
            after="""\
resource "aws_rds_cluster" "main" {
  engine          = "aurora-mysql"
  engine_mode     = "serverless"
  master_username = "admin"
  master_password = "changeme"
}
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "db", engine="aurora-mysql", global_cluster_identifier="g", master_password="changeme")
""",
            after="""\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "db", engine="aurora-mysql", global_cluster_identifier="g", master_password="changeme")
""",
        ),
        # A generated password, no word about rotation; and one that is rotated.
        Example(
            "terraform",
            before="""\
resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "app"
  password = random_password.db.result
}

resource "aws_rds_cluster" "main" {
  engine          = "aurora-mysql"
  master_username = "admin"
  master_password = var.db_password
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_rds_cluster" "main" {
  engine          = "aurora-mysql"
  master_username = "admin"
  master_password = "changeme"
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = aws_lambda_function.rotate.arn
}
""",
        ),
    ]

    def check(self, ctx):
        databases = ctx.resources(*DATABASES)
        if not databases or ctx.resources("aws_secretsmanager_secret_rotation"):
            return
        wants_rotation = any(_mentions_rotation(f.text) for f in ctx.files())
        for db in databases:
            # aws_db_instance spells it `password`; CDKTF's DbInstance too, RdsCluster `master_password`
            key = "master_password" if "master_password" in db.attrs else "password" if db.type == "aws_db_instance" else None
            prop = db.attrs.get(key) if key else None
            if prop is None or "manage_master_user_password" in db.attrs:
                continue
            value = prop.value
            literal = value.kind == "string"
            if not (literal or wants_rotation):
                continue
            what = f"`{db.ref or db.type}`"
            file = ctx.file(db.path)
            managed = file.attr_entry("manage_master_user_password", file.literal(True))
            unsupported = _unsupported(db)
            if unsupported:
                yield self.finding(
                    db,
                    f"{what} sets a static master password that nothing rotates, and {unsupported} does not support "
                    f"RDS-managed passwords ({file.attr_key('manage_master_user_password')}): add a Secrets Manager "
                    "rotation (aws_secretsmanager_secret_rotation with a rotation Lambda)",
                )
                continue
            readers = [] if literal else _readers(ctx, db, prop)
            secret_ref = _secret_arn_ref(ctx, db)
            if readers:
                yield self.finding(
                    db,
                    f"{what} sets a static master password that nothing rotates; "
                    f"`{managed}` would let RDS keep and rotate it, but "
                    f"{', '.join(readers)} read the current password: make them read the secret "
                    f"`{secret_ref}` instead, then replace {file.attr_key(key)}",
                )
                continue
            yield self.finding(
                db,
                f"{what} sets a {'hardcoded' if literal else 'static'} master password that nothing rotates; "
                f"RDS manages and rotates it with `{managed}` (every 7 days; for 30 days add a secret rotation on "
                f"`{secret_ref}` with `{file.attr_entry('automatically_after_days', '30')}`)",
                _rename(file, db, key, "manage_master_user_password", file.literal(True)),
            )


def _mentions_rotation(text: str) -> bool:
    if not _ROTATION_WORD.search(text):  # most files: no line to look at
        return False
    return any(
        _ROTATION_WORD.search(line) and _CREDENTIAL_WORD.search(line) and not _KEY_ROTATION.search(line)
        for line in text.splitlines()
    )


def _unsupported(db) -> str | None:
    mode = db.attr_value("engine_mode")
    if mode is not None and mode.kind == "string" and mode.value == "serverless":
        return "Aurora Serverless v1"
    # The RDS/Aurora guides list these as unsupported for Secrets Manager-managed passwords
    for key, what in (
        ("global_cluster_identifier", "an Aurora global database member"),
        ("replication_source_identifier", "a replica cluster"),
        ("replicate_source_db", "a read replica"),
    ):
        if key in db.attrs:
            return what
    engine = db.attr_value("engine")
    if engine is not None and engine.kind == "string" and engine.value.startswith("custom-"):
        return f"RDS Custom ({engine.value})"
    return None


def _readers(ctx, db, prop) -> list[str]:
    """Where else the code reads what the password comes from (`file:line`); declarations
    (`const pw = ...`, `pw: string`) and the database's own attribute left out."""
    root = next((m.group(0) for m in _ROOT.finditer(prop.value.text) if not prop.value.text[m.end() :].startswith("(")), None)
    if root is None:
        return []
    pattern = re.compile(rf"(?<![\w$.]){re.escape(root)}(?![\w$-])(?!\s*[:=](?!=))")
    out = []
    for file in ctx.files():
        if root not in file.text:  # most files: a substring search spares the regex
            continue
        starts = None  # of the file's lines, for the line of each match
        for m in pattern.finditer(file.text):
            if file.path == db.path and prop.value.span[0] <= m.start() < prop.value.span[1]:
                continue
            starts = starts or line_starts(file.text)
            out.append(f"{file.path.name}:{line_col_at(starts, m.start())[0]}")
    return out


def _secret_arn_ref(ctx, db) -> str:
    return ctx.file(db.path).reference(db.ref or "<database>", "master_user_secret", 0, "secret_arn")


def _rename(file, db, old: str, new: str, value_text: str):
    """Replace attribute `old` by `new = value`, in the file's own spelling and alignment."""
    prop = db.attrs[old]
    return file.rename_entry(db.body, prop, new) + file.replace_value(prop, value_text)
