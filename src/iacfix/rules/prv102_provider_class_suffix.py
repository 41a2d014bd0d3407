"""PRV102: a provider class named without the `A` the provider gives it."""

from __future__ import annotations

from iacfix.model import Edit, Location
from iacfix.rule import FLAVOURS, Example, Invalid, Reported, Rule
from iacfix.rulekit import schema, validity


class ProviderClassSuffix(Rule):
    """Name the provider's classes and resource types as the provider names them.

    What it does: where a resource's class name would clash with a struct of another module,
    the provider adds an `A`: the resource aws_s3_bucket_versioning is `S3BucketVersioningA`
    (`S3BucketVersioning` is the struct of S3Bucket's old inline `versioning` block), likewise
    `S3BucketServerSideEncryptionConfigurationA`, `S3BucketLoggingA`, `S3BucketLifecycleConfigurationA`.
    Other names the provider does not export are renamed to the class they stand for, derived
    from the schema and each class's Terraform type (no table of names): `CloudtrailTrail` →
    `Cloudtrail` (aws_cloudtrail), `ApiGatewayV2Api` → `Apigatewayv2Api`, `AwsConfigConfigRule`
    → `ConfigConfigRule`, `S3BucketVersioningV2` → `S3BucketVersioningA`, `IamPolicyDocument` →
    `DataAwsIamPolicyDocument`, `S3BucketEncryption` imported from
    `lib/s3-bucket-server-side-encryption-configuration` → the class of that module; a name that
    fits several classes or none (`VpcAttachment`) is left to PRV101's report. PRV101 first moves the
    import to the module of the class meant; this rule renames it in that module.
    The rule renames the import and every `new X(...)` / `X(...)` of it; when the name is used
    elsewhere too (a type annotation), the import becomes `Real as X` instead. A name reached
    through a namespace (`aws.s3BucketLogging.S3BucketLogging`) is renamed where it is written,
    in a TypeScript type as well. The classes come
    from the bundled provider schema.

    Why: `S3BucketVersioning` is not exported by `lib/s3-bucket-versioning`, nor `CloudtrailTrail`
    by anything: TypeScript does not compile ("has no exported member"), and Python fails with
    ImportError.

    In Terraform, a resource type or data source the provider does not have (validate: "Invalid
    resource type") is renamed to the type it clearly means, checked against the provider
    schema of the version the project gets (`rulekit.validity.meant_types`): the same words
    spelled otherwise (`aws_api_gateway_v2_api` → aws_apigatewayv2_api), a plural
    (`aws_lambda_permissions`), the provider's own word for the service (`aws_rds_instance` →
    aws_db_instance), one word more or less (`aws_ec2_instance` → aws_instance), a close
    spelling; among several, the one whose schema knows the arguments written. References to the
    resource in the module follow. Two candidates left: both are named, nothing is renamed.

    Fix (safe): rename, in TypeScript, Python and HCL alike.
    """

    code = "PRV102"
    name = "provider-class-suffix"
    flavours = FLAVOURS
    phase = "names"  # before the rules that recognise a resource by its class
    severity = "error"
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_rds_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}

output "endpoint" {
  value = aws_rds_instance.db.endpoint
}
""",
            """\
resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}

output "endpoint" {
  value = aws_db_instance.db.endpoint
}
""",
            message="aws_rds_instance is not a resource type of the aws provider: it is aws_db_instance",
            line=1,
        ),
        Reported(
            "terraform",
            """\
resource "aws_cloudwatch_alarm" "cpu" {
  alarm_name = "cpu"
}
""",
            message="aws_cloudwatch_alarm is not a resource type of hashicorp/aws 6.66.0: it may be aws_cloudwatch_composite_alarm or aws_cloudwatch_metric_alarm",
        ),
        Reported(
            "terraform",
            """\
resource "aws_ami" "linux" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-*-x86_64"]
  }
}
""",
            message='aws_ami is written with the arguments of the data source (`most_recent`, `owners`, `filter`): read it with `data "aws_ami"`',
        ),
        Reported(
            "cdktf-ts",
            """\
import { Ami } from '@cdktf/provider-aws/lib/ami';
const ami = new Ami(this, 'linux', { mostRecent: true, owners: ['amazon'], filter: [{ name: 'name', values: ['al2023-ami-*'] }] });
""",
            message="aws_ami is written with the arguments of the data source (`mostRecent`, `owners`, `filter`): read it with `DataAwsAmi`",
        ),
        Reported(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.ami import Ami
ami = Ami(self, "linux", most_recent=True, owners=["amazon"])
""",
            message="aws_ami is written with the arguments of the data source (`most_recent`, `owners`): read it with `DataAwsAmi`",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
new S3BucketVersioning(this, 'versioning', {
  bucket: bucket.id,
  versioningConfiguration: { status: 'Enabled' },
});
""",
            after="""\
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
new S3BucketVersioningA(this, 'versioning', {
  bucket: bucket.id,
  versioningConfiguration: { status: 'Enabled' },
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioning
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLogging

versioning: S3BucketVersioning = S3BucketVersioning(self, "v", bucket="b", versioning_configuration={"status": "Enabled"})
S3BucketLogging(self, "l", bucket="b", target_bucket="logs", target_prefix="b/")
""",
            after="""\
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA as S3BucketVersioning
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA

versioning: S3BucketVersioning = S3BucketVersioning(self, "v", bucket="b", versioning_configuration={"status": "Enabled"})
S3BucketLoggingA(self, "l", bucket="b", target_bucket="logs", target_prefix="b/")
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import * as aws from '@cdktf/provider-aws';
let logging: aws.s3BucketLogging.S3BucketLogging;
logging = new aws.s3BucketLogging.S3BucketLogging(this, 'l', { bucket: 'b', targetBucket: 'logs', targetPrefix: 'b/' });
""",
            after="""\
import * as aws from '@cdktf/provider-aws';
let logging: aws.s3BucketLogging.S3BucketLoggingA;
logging = new aws.s3BucketLogging.S3BucketLoggingA(this, 'l', { bucket: 'b', targetBucket: 'logs', targetPrefix: 'b/' });
""",
        ),
        # Names the provider does not have, renamed to the class they stand for.
        Example(
            "cdktf-ts",
            before="""\
import { CloudtrailTrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { S3BucketEncryption } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import * as aws from '@cdktf/provider-aws';
new CloudtrailTrail(this, 'trail', { name: 'audit', s3BucketName: 'logs' });
new S3BucketEncryption(this, 'sse', { bucket: 'logs', rule: [] });
new aws.apigatewayv2Api.ApiGatewayV2Api(this, 'api', { name: 'http', protocolType: 'HTTP' });
""",
            after="""\
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import * as aws from '@cdktf/provider-aws';
new Cloudtrail(this, 'trail', { name: 'audit', s3BucketName: 'logs' });
new S3BucketServerSideEncryptionConfigurationA(this, 'sse', { bucket: 'logs', rule: [] });
new aws.apigatewayv2Api.Apigatewayv2Api(this, 'api', { name: 'http', protocolType: 'HTTP' });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import IamPolicyDocument
from cdktf_cdktf_provider_aws.config_config_rule import AwsConfigConfigRule
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import S3BucketServerSideEncryptionConfigurationRuleAApplyServerSideEncryptionByDefault as Sse

doc = IamPolicyDocument(self, "doc", statement=[])
AwsConfigConfigRule(self, "rule", name="r", source={"owner": "AWS", "source_identifier": "S3_BUCKET_VERSIONING_ENABLED"})
""",
            after="""\
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocument
from cdktf_cdktf_provider_aws.config_config_rule import ConfigConfigRule
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA as Sse

doc = DataAwsIamPolicyDocument(self, "doc", statement=[])
ConfigConfigRule(self, "rule", name="r", source={"owner": "AWS", "source_identifier": "S3_BUCKET_VERSIONING_ENABLED"})
""",
        ),
        # A name that fits several classes is not guessed (PRV101 reports it).
        Example(
            "cdktf-ts",
            before="""\
import { VpcAttachment } from '@cdktf/provider-aws/lib/vpc';
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { S3Bucket, S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket';
const versioning: S3BucketVersioning = { enabled: true };
""",
        ),
    ]

    def check(self, ctx):
        for problem in validity.problems(ctx, "type"):
            yield self.finding(Location(problem.resource.path, problem.line, problem.col), problem.message, problem.edits, problem.safety)
        if ctx.project.flavour == "terraform":
            return
        s = schema.for_project(ctx)
        if s is None:  # the project pins a provider version the bundled CDKTF schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            for imp in file.typed_view.imports:
                is_provider, module = schema.provider_module(file, imp.module)
                if not is_provider or module is None:
                    continue
                for spec in imp.names:
                    name = spec.name
                    real = _real_name(s, name, module)
                    if real is None:
                        continue
                    yield self.finding(
                        Location(file.path, imp.line),
                        f"'{imp.module}' exports the class as `{real}`, not `{name}`",
                        _rename(file, spec, real),
                    )

            # `aws.s3BucketVersioning.S3BucketVersioning`, `s3BucketVersioning.S3BucketVersioning`
            # (a namespace imported from the root): built, or in TypeScript a type too
            for q in schema.dotted_names(file):
                head, *rest = q.text.split(".")
                module, imported = file.imported.get(head, (None, None))
                if schema.provider_module(file, module or "") != (True, None):
                    continue
                if imported is None and len(rest) >= 2:
                    sub, name = rest[0], rest[1]
                elif imported is not None and imported[:1].islower():
                    sub, name = imported, rest[0]
                else:
                    continue
                folder = s.module_from_python(sub) if file.language == "python" else schema.snake_case(sub).replace("_", "-")
                real = _real_name(s, name, folder or "")
                if real is None:
                    continue
                end = q.span[0] + len(".".join([head, *rest[: rest.index(name) + 1]]))
                yield self.finding(
                    Location(file.path, q.line, q.col),
                    f"the provider's class is `{real}`, not `{name}`",
                    [Edit(file.path, end - len(name), end, real)],
                )

def _real_name(s: schema.ProviderSchema, name: str, module: str) -> str | None:
    """The name `module` exports for what is written as `name`, when that is another name:
    `name` + `A`, or the class the schema says a wrong name means (`CloudtrailTrail`)."""
    exports = s.module_exports(module)
    if name in exports:
        return None
    if name + "A" in exports:
        return name + "A"
    meant = s.meant_class(name, module)
    return meant if meant in exports else None


def _rename(file, spec: dict, new: str) -> list[Edit]:
    start, end = spec.span
    name, local = spec.name, spec.local
    if local != name:  # `X as Y`: only the imported name changes
        return [Edit(file.path, start, start + len(name), new)]
    calls = [c for c in file.typed_view.constructions if c.callee == name]
    if file.typed_view.identifier_counts.get(name, 0) > len(calls):
        return [Edit(file.path, start, end, f"{new} as {name}")]
    return [Edit(file.path, start, end, new)] + [Edit(file.path, *c.callee_span, new) for c in calls]
