"""IAC100: a suppression comment that silences nothing (ruff's RUF100)."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Invalid, Rule, Valid


class UnusedSuppression(Rule):
    """A suppression comment silences nothing: remove it.

    What it does: after every other rule has run on the project, looks at each suppression
    comment (`# iacfix: ignore[CODE]`, `// iacfix: ignore`, `# checkov:skip=CODE:reason`) and
    reports the codes in it that silenced no finding: a code no rule has, a rule that does not
    check this flavour, or a rule that ran and found nothing there. A code whose rule did not
    run (not selected, an opt-in rule) is not judged: nothing is known about it. A bare
    `iacfix: ignore` is judged when every default rule ran.

    Why: a suppression outlives what it silenced (the code was fixed, the rule changed): left in
    place, it will hide the next real finding on that line or block without anyone deciding so.

    Fix (safe): remove the unused codes from the brackets, or the whole comment (with its line
    when it stands alone) when none is used.
    """

    code = "IAC100"
    name = "unused-suppression"
    flavours = FLAVOURS
    phase = "review"
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_s3_bucket" "logs" { # iacfix: ignore[XYZ101]
  bucket = "logs"
}
""",
            """\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
            message="`# iacfix: ignore[XYZ101]` is unused: XYZ101 is not a rule code",
            line=1,
        ),
        Invalid(
            "cdktf-ts",
            """\
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
// iacfix: ignore[TF102, ECS101]
new EcsService(this, 'app', { name: 'app' });
""",
            """\
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
// iacfix: ignore[ECS101]
new EcsService(this, 'app', { name: 'app' });
""",
            message="`// iacfix: ignore[TF102, ECS101]` is unused: TF102 does not check cdktf-ts",
            line=2,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

# iacfix: ignore[TF001]
S3Bucket(self, "logs", bucket="logs")
""",
            """\
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

S3Bucket(self, "logs", bucket="logs")
""",
        ),
        # A rule that did not run (here: every other rule) may well need its suppression.
        Valid(
            "terraform",
            """\
resource "aws_ecs_service" "app" { # iacfix: ignore[ECS101]
  name = "app"
}
""",
        ),
        # checkov's own checks are checkov's.
        Valid(
            "terraform",
            """\
resource "aws_s3_bucket" "site" {
  #checkov:skip=CKV_AWS_20:the bucket hosts a public website
  bucket = "site"
}
""",
        ),
    ]

    def check(self, ctx):
        for unused in ctx.unused_suppressions():
            directive = unused.directive
            yield self.finding(Location(directive.path, directive.line, directive.col), unused.message, unused.edits)
