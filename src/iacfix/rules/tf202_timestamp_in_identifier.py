"""TF202: `timestamp()` in a resource's name or snapshot identifier."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, location

# Arguments that name a resource or its final snapshot.
NAMES = re.compile(r"(name|name_prefix|bucket|bucket_prefix|[a-z_]*identifier|identifier_prefix|[a-z_]*_name)")

# One interpolation holding timestamp() (no braces inside; quoted strings may hold anything but
# quotes), with the separator before it: `-${formatdate("YYYYMMDD", timestamp())}`.
_STAMP = re.compile(r'[-_.]?\$\{(?:[^{}"]|"[^"]*")*\btimestamp\(\)(?:[^{}"]|"[^"]*")*\}')


class TimestampInIdentifier(Rule):
    """A resource name or snapshot identifier does not change on every run.

    What it does: finds `timestamp()` in a resource's name-like argument (`name`, `name_prefix`,
    `bucket`, `identifier`, `final_snapshot_identifier`, `*_name`, ...). When it sits in an
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
    flavours = ("terraform",)
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
    ]

    def check(self, ctx):
        for d in Module(ctx).blocks("resource"):
            for attr in d.block.attributes:
                value = attr.prop.value
                if not NAMES.fullmatch(attr.key) or "timestamp()" not in value.text:
                    continue
                fixed = _STAMP.sub("", value.text)
                edits = []
                if "timestamp()" not in fixed and '""' not in fixed:
                    edits = [Edit(d.file.path, *value.span, fixed)]
                yield self.finding(
                    location(d.file, attr),
                    f"`{attr.key}` of `{'.'.join(d.block.labels)}` uses timestamp(), a new value at every plan "
                    "(a replacement or a diff each run)" + ("; removed it" if edits else ""),
                    edits,
                )
