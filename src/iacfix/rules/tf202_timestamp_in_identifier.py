"""TF202: `timestamp()` in a resource's name or snapshot identifier."""

from __future__ import annotations

import re

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Example, Invalid, Reported, Rule

# Arguments that name a resource or its final snapshot.
NAMES = re.compile(r"(name|name_prefix|bucket|bucket_prefix|[a-z_]*identifier|identifier_prefix|[a-z_]*_name)")

# One interpolation holding timestamp() (no braces inside; quoted strings may hold anything but
# quotes), with the separator before it: `-${formatdate("YYYYMMDD", timestamp())}` in a Terraform
# template (an HCL string, or a CDKTF string Terraform reads), `-${Fn.timestamp()}` in a
# TypeScript template literal, `-{Fn.timestamp()}` in a Python f-string.
_STAMP = re.compile(r'[-_.]?\$?\{(?:[^{}"]|"[^"]*")*\btimestamp\(\)(?:[^{}"]|"[^"]*")*\}')
# What is left of a string once the interpolation is gone: nothing (`""`), or an f-string with no
# placeholder (its `f` goes too)
_EMPTY = re.compile(r"""f?(""|''|``)""")
_PLAIN_F_STRING = re.compile(r"""\bf(["'])([^{}"']*)\1""")


class TimestampInIdentifier(Rule):
    """A resource name or snapshot identifier does not change on every run.

    What it does: finds `timestamp()` (CDKTF: `Fn.timestamp()`) in a resource's name-like
    argument (`name`, `name_prefix`, `bucket`, `identifier`, `final_snapshot_identifier`,
    `*_name`, ...). When it sits in an
    interpolation of a string template, removes that interpolation and the `-` / `_` before it:
    `"db-final-${formatdate("YYYYMMDD", timestamp())}"` becomes `"db-final"`. Other uses are
    reported only.

    Why: `timestamp()` is a new value at every plan. In a name it forces the resource to be
    replaced on every apply (a new KMS alias, log group, secret each time); in
    `final_snapshot_identifier` every plan shows a change, so a plan after apply is never clean
    and the pipeline's "no changes" check fails.

    Code scheme: TF2xx: a resource's arguments (TF0xx: layout).

    Fix (safe): a stable name; add a `random_id` when several copies must coexist.
    """

    code = "TF202"
    name = "timestamp-in-identifier"
    flavours = FLAVOURS
    seeds = ("002#10",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_db_instance" "main" {
  identifier                = "orders-${var.suffix}"
  final_snapshot_identifier = "orders-final-${formatdate("YYYYMMDDhhmm", timestamp())}"
}
""",
            after="""\
resource "aws_db_instance" "main" {
  identifier                = "orders-${var.suffix}"
  final_snapshot_identifier = "orders-final"
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_kms_alias" "main" {
  name          = var.prod ? "alias/app-${timestamp()}" : "alias/app"
  target_key_id = aws_kms_key.main.id
}
""",
            after="""\
resource "aws_kms_alias" "main" {
  name          = var.prod ? "alias/app" : "alias/app"
  target_key_id = aws_kms_key.main.id
}
""",
        ),
        # In tags it is a label, not an identity: left alone.
        Example(
            "terraform",
            before="""\
resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.suffix}"
  tags   = { CreatedAt = timestamp() }
}
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { Fn } from "cdktf";

new DbInstance(this, "db", {
  identifier: "orders",
  finalSnapshotIdentifier: `orders-final-${Fn.formatdate("YYYYMMDD", Fn.timestamp())}`,
});
""",
            """\
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { Fn } from "cdktf";

new DbInstance(this, "db", {
  identifier: "orders",
  finalSnapshotIdentifier: `orders-final`,
});
""",
            message="`final_snapshot_identifier` of `aws_db_instance.db` uses timestamp(), a new value at every plan "
            "(a replacement or a diff each run); removed it",
            line=6,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf import Fn
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "aurora", cluster_identifier="orders", final_snapshot_identifier=f"orders-final-{Fn.timestamp()}")
""",
            """\
from cdktf import Fn
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "aurora", cluster_identifier="orders", final_snapshot_identifier="orders-final")
""",
        ),
        Reported(
            "cdktf-ts",
            """\
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { Fn } from "cdktf";

new KmsAlias(this, "alias", { name: Fn.timestamp(), targetKeyId: key.id });
""",
        ),
    ]

    def check(self, ctx):
        for resource in ctx.resources():
            file = ctx.file(resource.path)
            for key, prop in resource.attrs.items():
                value = prop.value
                if not NAMES.fullmatch(key) or "timestamp()" not in value.text:
                    continue
                fixed = _PLAIN_F_STRING.sub(r"\1\2\1", _STAMP.sub("", value.text))
                edits = []
                if "timestamp()" not in fixed and not _EMPTY.search(fixed):
                    edits = file.replace_value(prop, fixed)
                yield self.finding(
                    Location(resource.path, value.line, _key_col(file, prop)),
                    f"`{key}` of `{resource.address or resource.type}` uses timestamp(), a new value at every plan "
                    "(a replacement or a diff each run)" + ("; removed it" if edits else ""),
                    edits,
                )


def _key_col(file, prop) -> int:
    return prop.key_span[0] - file.text.rfind("\n", 0, prop.key_span[0])
