"""TF001: a .tf file that `terraform fmt` would change."""

from __future__ import annotations

from iacfix.model import Edit, Location
from iacfix.rule import Example, Rule


class TerraformFmt(Rule):
    """Every .tf file is laid out exactly as `terraform fmt` lays it out.

    What it does: formats each Terraform file that is not canonical — indentation, the spaces
    between tokens, the alignment of `=` and of trailing comments in a run of attributes — with
    hclwrite, the formatter `terraform fmt` is built on (HashiCorp's code, compiled to WebAssembly
    and run by iacfix's Node worker), plus the rewrites `terraform fmt` adds to it: `"${x}"` alone
    becomes `x`, `type = "string"` becomes `type = string`, block labels are quoted. It runs after
    every other rule, so their edits come out formatted too; one finding per file.

    Why: pipelines run `terraform fmt -check` and stop on the first unformatted file, and most
    model-written Terraform is not fmt-clean (misaligned `=` after an edit, two-space and
    four-space indentation mixed, `"${var.x}"`).

    A file whose text the formatter has already seen to be canonical is not sent again (a cache
    in the user's cache folder), so a run over clean, unchanged files does not start Node.

    Code scheme: TF0xx: layout (TF1xx: the `terraform` and `provider` blocks and the module's
    inputs; TF2xx: a resource's arguments).

    Fix (safe): only blanks change, apart from the three rewrites above.
    """

    code = "TF001"
    name = "terraform-fmt"
    flavours = ("terraform",)
    severity = "note"
    phase = "format"
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_s3_bucket" "logs" {
    bucket = "logs-${var.suffix}"
    force_destroy = true
  tags = {
    Name="logs"
  }
}
""",
            after="""\
resource "aws_s3_bucket" "logs" {
  bucket        = "logs-${var.suffix}"
  force_destroy = true
  tags = {
    Name = "logs"
  }
}
""",
        ),
        Example(
            "terraform",
            before="""\
variable "region" {
  type    = "string"
  default = "us-east-1"
}

output "region" {
  value = "${var.region}"
}
""",
            after="""\
variable "region" {
  type    = string
  default = "us-east-1"
}

output "region" {
  value = var.region
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_sqs_queue" "jobs" {
  name                      = "jobs"
  message_retention_seconds = 86400 # one day
}
""",
        ),
    ]

    def check(self, ctx):
        from iacfix.rulekit.formatting import FORMATTER_UNAVAILABLE, canonical

        for file in ctx.files("hcl"):
            try:
                result = canonical(file, original=ctx.original_text(file.path))
            except FORMATTER_UNAVAILABLE as exc:
                ctx.cannot_check(Location(file.path, 1), f"TF001 cannot check the layout: {exc}")
                return
            if result.changed:
                yield self.finding(
                    Location(file.path, result.line),
                    "not formatted as `terraform fmt` formats it (indentation, spacing or `=` alignment)",
                    [Edit(file.path, 0, len(file.text), result.text)],
                )
