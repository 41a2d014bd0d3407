"""PRV104: a nested block given as an object where the provider wants a list, or the reverse."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import FLAVOURS, Example, Invalid, Reported, Rule
from iacfix.rulekit import schema, validity


class ProviderBlockShape(Rule):
    """A nested block is a list of objects or one object, as the provider types it.

    What it does: where the provider's schema types a property as a list of structs
    (`defaultTags` of the AWS provider, `ingress` of a security group, `rule` of a lifecycle
    configuration) and the code gives one object, wraps it in a list; where it types one struct
    (`versioningConfiguration`, `serverSideEncryption`) and the code gives a list of exactly one
    object, unwraps it. The shapes come from the bundled provider schema.

    Why: TypeScript does not compile ("Type '{ tags: ... }' is not assignable to type
    'AwsProviderDefaultTags[]'"), and the Python app fails at synth with a jsii deserialization
    error. Terraform's own list-vs-block leniency does not reach the CDKTF bindings.

    In Python the keys of a dict that moves into a list must then be camelCase (jsii passes it
    as is): PRV106 respells them afterwards.

    The same for a Python struct built with its class (`expiration=...Expiration(days=30)`
    where the provider wants a list of them).

    In Terraform, a nested block written as an argument (`versioning_configuration = { status =
    "Enabled" }`: validate says "Unsupported argument") becomes the block, and an argument
    written as a block (`tags { Name = "web" }`: "Unsupported block type") the argument, a list
    of objects when the argument is a list; more blocks than the provider allows are reported.

    Fix (safe): add or remove the brackets; in HCL, the `=` (each entry on its own line in a
    block).
    """

    code = "PRV104"
    name = "provider-block-shape"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("004#4",)
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_s3_bucket_versioning" "logs" {
  bucket                   = "logs"
  versioning_configuration = { status = "Enabled" }
}

resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  tags {
    Name = "web"
  }
}
""",
            """\
resource "aws_s3_bucket_versioning" "logs" {
  bucket                   = "logs"
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  tags = {
    Name = "web"
  }
}
""",
        ),
        Reported(
            "terraform",
            """\
resource "aws_s3_bucket_versioning" "logs" {
  bucket = "logs"
  versioning_configuration {
    status = "Enabled"
  }
  versioning_configuration {
    status = "Suspended"
  }
}
""",
            message="aws_s3_bucket_versioning takes at most 1 `versioning_configuration` block, not 2",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
new AwsProvider(this, 'aws', { region: 'us-east-1', defaultTags: { tags: { Project: 'tap' } } });
new S3BucketVersioningA(this, 'v', { bucket: 'b', versioningConfiguration: [{ status: 'Enabled' }] });
""",
            after="""\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
new AwsProvider(this, 'aws', { region: 'us-east-1', defaultTags: [{ tags: { Project: 'tap' } }] });
new S3BucketVersioningA(this, 'v', { bucket: 'b', versioningConfiguration: { status: 'Enabled' } });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.provider import AwsProvider

AwsProvider(self, "aws", region="us-east-1", default_tags={"tags": {"Project": "tap"}})
""",
            after="""\
from cdktf_cdktf_provider_aws.provider import AwsProvider

AwsProvider(self, "aws", region="us-east-1", default_tags=[{"tags": {"Project": "tap"}}])
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import S3BucketLifecycleConfigurationRule, S3BucketLifecycleConfigurationRuleExpiration
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA, S3BucketVersioningVersioningConfiguration

S3BucketLifecycleConfigurationRule(id="old", status="Enabled", expiration=S3BucketLifecycleConfigurationRuleExpiration(days=30))
S3BucketVersioningA(self, "v", bucket="b", versioning_configuration=[S3BucketVersioningVersioningConfiguration(status="Enabled")])
""",
            after="""\
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import S3BucketLifecycleConfigurationRule, S3BucketLifecycleConfigurationRuleExpiration
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA, S3BucketVersioningVersioningConfiguration

S3BucketLifecycleConfigurationRule(id="old", status="Enabled", expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=30)])
S3BucketVersioningA(self, "v", bucket="b", versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"))
""",
        ),
    ]

    def check(self, ctx):
        for problem in validity.problems(ctx, "shape"):
            yield self.finding(Location(problem.resource.path, problem.line, problem.col), problem.message, problem.edits, problem.safety)
        if schema.for_project(ctx) is None:  # a provider version the bundled CDKTF schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            for typed in schema.typed_props(file):
                spec, value = typed.spec, typed.prop.value
                if spec is None:
                    continue
                at = Location(file.path, value.line, value.col)
                if spec.type.struct_list and (value.kind == "object" or _struct_call(file, value) == spec.type.struct_list):
                    yield self.finding(
                        at,
                        f"`{typed.prop.key}` is a list of {spec.type.struct_list}: wrap the object in [ ]",
                        [Edit(file.path, value.span[0], value.span[0], "["), Edit(file.path, value.span[1], value.span[1], "]")],
                    )
                elif (
                    spec.type.struct
                    and value.kind == "array"
                    and len(value.items) == 1
                    and (value.items[0].kind == "object" or _struct_call(file, value.items[0]) == spec.type.struct)
                ):
                    item = value.items[0]
                    yield self.finding(
                        at,
                        f"`{typed.prop.key}` is one {spec.type.struct}, not a list",
                        [Edit(file.path, value.span[0], value.span[1], item.text)],
                    )


def _struct_call(file, value) -> str | None:
    """The struct a Python value builds with its class (`S3BucketLifecycleConfigurationRuleExpiration(days=30)`)."""
    if file.language != "python" or value.kind != "expr":
        return None
    match = re.match(r"\s*([\w.]+)\s*\(", value.text)
    if match is None or not value.text.rstrip().endswith(")"):
        return None
    struct = schema.constructed_struct(file, match.group(1))
    return struct.name if struct is not None else None
