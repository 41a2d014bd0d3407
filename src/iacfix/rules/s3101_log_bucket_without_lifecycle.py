"""S3101 (opt-in): a bucket that receives logs keeps them forever."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit import optional_feature as opt
from iacfix.rulekit import provider_imports, schema
from iacfix.rulekit.scaffold import New, place, render, statement_indent, unique_label
from iacfix.rulekit.terraform_module import Module, resources

# What writes logs into a bucket, and the attributes of it that name the bucket.
LOG_WRITERS = {
    "aws_lb": ("access_logs", "connection_logs"),
    "aws_alb": ("access_logs", "connection_logs"),
    "aws_cloudtrail": ("s3_bucket_name",),
    "aws_flow_log": ("log_destination",),
    "aws_s3_bucket_logging": ("target_bucket",),
    "aws_s3_bucket": ("logging",),  # the provider 3 form of server access logging
    "aws_cloudfront_distribution": ("logging_config",),
}
WRITER_NAMES = {
    "aws_lb": "load balancer access logs",
    "aws_alb": "load balancer access logs",
    "aws_cloudtrail": "CloudTrail logs",
    "aws_flow_log": "VPC flow logs",
    "aws_s3_bucket_logging": "S3 server access logs",
    "aws_s3_bucket": "S3 server access logs",
    "aws_cloudfront_distribution": "CloudFront access logs",
}
LIFECYCLE = "aws_s3_bucket_lifecycle_configuration"
RETENTION_DAYS = 90  # seed 002's choice; the variable's default in Terraform
VARIABLE = "log_retention_days"

HCL_BEFORE = """\
resource "aws_s3_bucket" "alb_logs" {
  bucket = "shop-alb-logs"
}

resource "aws_lb" "web" {
  name = "shop"

  access_logs {
    bucket  = aws_s3_bucket.alb_logs.id
    enabled = true
  }
}
"""
HCL_LIFECYCLE = """\
resource "aws_s3_bucket_lifecycle_configuration" "LABEL" {
  bucket = aws_s3_bucket.BUCKET.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.log_retention_days
    }
  }
}
"""
HCL_VARIABLE = """\
variable "log_retention_days" {
  description = "Days to keep logs (load balancer, CloudTrail, flow and access logs) before they expire"
  type        = number
  default     = 90
}
"""
TS_BEFORE = """\
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
const data = new S3Bucket(this, 'data', { bucket: 'shop-data' });
const accessLogs = new S3Bucket(this, 'access-logs', { bucket: 'shop-access-logs' });
new S3BucketLoggingA(this, 'data-logging', { bucket: data.id, targetBucket: accessLogs.id, targetPrefix: 'data/' });
"""
PY_BEFORE = """\
from cdktf_cdktf_provider_aws.cloudtrail import Cloudtrail
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

trail_bucket = S3Bucket(self, "trail-logs", bucket="shop-trail-logs")
Cloudtrail(self, "trail", name="shop", s3_bucket_name=trail_bucket.id)
"""


class LogBucketWithoutLifecycle(Rule):
    """A bucket that receives logs has no lifecycle rule, so it keeps every log forever.

    What it does: finds an `aws_s3_bucket` that something writes logs into (a load balancer's
    `access_logs` / `connection_logs`, a CloudTrail trail's `s3_bucket_name`, a VPC flow log's
    `log_destination`, the `target_bucket` of S3 server access logging, a CloudFront
    distribution's `logging_config`) with no `aws_s3_bucket_lifecycle_configuration` (nor an
    inline `lifecycle_rule`), and adds one after the bucket: one rule, `filter {}` (the whole
    bucket: TF201), expiring objects after the retention. In Terraform the retention is a new
    input, `variable "log_retention_days"` (number, default 90, in variables.tf); in CDKTF it
    is the literal 90 days. A bucket with `count` / `for_each` is only reported.

    Why: logs arrive every minute and are read rarely; kept forever, the bucket's cost grows
    without end (S3 Standard bills every GB every month), and a retention period is what
    audits ask to see. Seed 002's repair expires its load-balancer logs after 90 days.

    Opt-in (`--extend-select S3101`): how long logs must be kept is a compliance choice, and
    correct code often leaves it open. Measured when the rule was written, the corpus's final
    sources leave a log bucket without lifecycle in 98 of the 145 Terraform tasks that have one
    (120 buckets), in 19 of 23 CDKTF TypeScript and 5 of 8 CDKTF Python tasks; the models'
    answers in 62 of 97, 8 of 11 and 4 of 6.

    Fix (unsafe: it deletes logs once they are older than the retention): the lifecycle
    configuration; set `log_retention_days` (or the CDKTF `days`) to what the team must keep,
    or add transitions to cheaper storage before the expiration.
    """

    code = "S3101"
    name = "log-bucket-without-lifecycle"
    flavours = FLAVOURS
    fix = "unsafe"
    phase = "scaffold"
    default = False
    seeds = ("002#16",)
    examples = [
        Example(
            "terraform",
            before=HCL_BEFORE,
            after=HCL_BEFORE.replace(
                'bucket = "shop-alb-logs"\n}\n',
                'bucket = "shop-alb-logs"\n}\n\n' + HCL_LIFECYCLE.replace("LABEL", "alb_logs").replace("BUCKET", "alb_logs"),
            ),
            files_after={"variables.tf": HCL_VARIABLE},
        ),
        Example(
            "cdktf-ts",
            before=TS_BEFORE,
            after=TS_BEFORE.replace(
                "import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';\n",
                "import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';\n"
                "import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';\n",
            ).replace(
                "{ bucket: 'shop-access-logs' });\n",
                """{ bucket: 'shop-access-logs' });

new S3BucketLifecycleConfiguration(this, 'access-logs-lifecycle', {
  bucket: accessLogs.id,
  rule: [{ id: 'expire-logs', status: 'Enabled', filter: [{}], expiration: [{ days: 90 }] }],
});
""",
            ),
        ),
        Example(
            "cdktf-py",
            before=PY_BEFORE,
            after=PY_BEFORE.replace(
                "import S3Bucket\n",
                "import S3Bucket\nfrom cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (\n"
                "    S3BucketLifecycleConfiguration,\n)\n",
            ).replace(
                'bucket="shop-trail-logs")\n',
                """bucket="shop-trail-logs")

S3BucketLifecycleConfiguration(
    self,
    "trail-logs-lifecycle",
    bucket=trail_bucket.id,
    rule=[{"id": "expire-logs", "status": "Enabled", "filter": [{}], "expiration": [{"days": 90}]}],
)
""",
            ),
        ),
        Example(  # a flow-log bucket that expires its logs; a bucket nothing logs into
            "terraform",
            before="""\
resource "aws_s3_bucket" "flow_logs" {
  bucket = "shop-flow-logs"
}

resource "aws_s3_bucket_lifecycle_configuration" "flow_logs" {
  bucket = aws_s3_bucket.flow_logs.bucket

  rule {
    id     = "to-glacier"
    status = "Enabled"

    filter {}

    transition {
      days          = 30
      storage_class = "GLACIER"
    }
  }
}

resource "aws_flow_log" "vpc" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow_logs.arn
}

resource "aws_s3_bucket" "assets" {
  bucket = "shop-assets"
}
""",
        ),
    ]

    def check(self, ctx):
        buckets = [b for b in ctx.resources("aws_s3_bucket") if b.ref]
        writers = ctx.resources(*LOG_WRITERS)
        lifecycles = ctx.resources(LIFECYCLE)
        variable_added = False
        for bucket in buckets:
            if "lifecycle_rule" in bucket.attrs:  # the provider 3 inline form
                continue
            ref = re.compile(rf"(?<![\w.]){re.escape(bucket.ref)}\.(?:id|bucket|arn|bucket_domain_name|bucketDomainName)\b")

            def names(r, attrs):
                same_scope = r.language == "hcl" or r.path == bucket.path
                return same_scope and any(ref.search(r.attrs[a].value.text) for a in attrs if a in r.attrs)

            writer = next((w for w in writers if w is not bucket and names(w, LOG_WRITERS[w.type])), None)
            if writer is None or any(names(c, ("bucket",)) for c in lifecycles):
                continue
            if bucket.language == "hcl":
                edits = _hcl(ctx, bucket, declare_variable=not variable_added)
                variable_added = variable_added or bool(edits)
                days = f"`var.{VARIABLE}` (default {RETENTION_DAYS})"
            else:
                edits = _cdktf(ctx, bucket)
                days = str(RETENTION_DAYS)
            what = f"bucket `{bucket.name or bucket.ref}` receives {WRITER_NAMES[writer.type]} and has no lifecycle rule, so it keeps them forever"
            if edits:
                message = f"{what}; the fix adds an aws_s3_bucket_lifecycle_configuration expiring them after {days} days: choose the retention"
            else:
                message = f"{what}; add an aws_s3_bucket_lifecycle_configuration expiring them after the retention you need"
            yield self.finding(bucket, message, edits)


def _hcl(ctx, bucket, declare_variable: bool) -> list[Edit]:
    """The lifecycle configuration after the bucket's block, and the retention variable."""
    if "count" in bucket.attrs or "for_each" in bucket.attrs:
        return []  # which instances log is not for a scaffold to guess
    module = Module(ctx)
    decl = next(d for d in resources(module, "aws_s3_bucket") if d.file.path == bucket.path and d.block.labels[1] == bucket.name)
    label = unique_label(bucket.name, {d.block.labels[1] for d in resources(module, LIFECYCLE)})
    block = (
        f'resource "{LIFECYCLE}" "{label}" {{\n  bucket = {bucket.ref}.id\n\n  rule {{\n'
        f'    id     = "expire-logs"\n    status = "Enabled"\n\n    filter {{}}\n\n'
        f"    expiration {{\n      days = var.{VARIABLE}\n    }}\n  }}\n}}"
    )
    at = decl.block.span[1]
    edits = [Edit(bucket.path, at, at, "\n\n" + block)]
    if declare_variable:
        description = "Days to keep logs (load balancer, CloudTrail, flow and access logs) before they expire"
        edits += opt.declare(module, [(VARIABLE, "number", description, str(RETENTION_DAYS))], fallback=decl.file)
    return edits


def _cdktf(ctx, bucket) -> list[Edit]:
    """`new S3BucketLifecycleConfiguration(...)` right after the bucket's statement (nothing
    where the project pins a provider the bundled schema, which gives the import, does not describe)."""
    if schema.for_project(ctx) is None:
        return []
    file = ctx.file(bucket.path)
    cons = next(c for c in file.typed_view.constructions if (c.line, c.col) == (bucket.line, bucket.col))
    lang = file.language
    refs, import_edits = provider_imports.references(file, ["S3BucketLifecycleConfiguration"])
    taken = {c.args[1].value for c in file.typed_view.constructions if len(c.args) > 1}
    label = unique_label(re.sub(r"\W+", "_", bucket.name or "logs").strip("_") + "_lifecycle", taken)
    rule = (
        "[{ id: 'expire-logs', status: 'Enabled', filter: [{}], expiration: [{ days: %d }] }]"
        if lang == "typescript"
        else '[{"id": "expire-logs", "status": "Enabled", "filter": [{}], "expiration": [{"days": %d}]}]'
    ) % RETENTION_DAYS
    item = New(LIFECYCLE, label, [("bucket", f"{bucket.ref}.id"), ("rule", rule)], cls=refs["S3BucketLifecycleConfiguration"], bare=True)
    indent = statement_indent(file.text, cons.span[0])
    at = place(file.text, cons.span[1], indent)
    text = "\n\n" + render(file, [item], indent, cons.args[0].text).rstrip("\n")
    return import_edits + [Edit(file.path, at, at, text)]
