"""The provider-API rules (PRV1xx) beyond their documented examples."""

from __future__ import annotations

import json

import pytest

from iacfix import engine
from iacfix.rulekit import schema
from iacfix.rules import all_rules
from iacfix.rule import Example
from iacfix.testing import run_example

PRV = [r for r in all_rules() if r.code.startswith("PRV") or r.code == "CACHE101"]


def _run(tmp_path, flavour, before, files=None):
    """All the provider rules together, as a run would apply them."""
    example = Example(flavour, before, files=files or {})
    from iacfix.testing import write_project

    main = write_project(tmp_path, example)
    result = engine.run([tmp_path], engine.Options(), cwd=tmp_path, rules=PRV)
    return result, result.workspace.text[main.absolute()]


def test_rules_chain_in_code_order(tmp_path):
    # PRV101 moves the import, PRV102 adds the A, PRV105 fixes the literal inside.
    result, text = _run(
        tmp_path,
        "cdktf-ts",
        """\
import { S3BucketVersioning, S3Bucket } from '@cdktf/provider-aws';
const bucket = new S3Bucket(this, 'b', { bucket: 'b', forceDestroy: 'true' });
new S3BucketVersioning(this, 'v', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
""",
    )
    assert result.errors == []
    assert text == """\
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
const bucket = new S3Bucket(this, 'b', { bucket: 'b', forceDestroy: true });
new S3BucketVersioningA(this, 'v', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
"""
    assert sorted(f.code for f in result.findings) == ["PRV101", "PRV102", "PRV105"]


def test_a_name_the_provider_does_not_have_is_moved_then_renamed(tmp_path):
    # PRV101 imports it from the module of the class it stands for, PRV102 renames it there,
    # PRV103 then checks the config against the real class (s3BucketName is Cloudtrail's).
    result, text = _run(
        tmp_path,
        "cdktf-py",
        """\
from cdktf_cdktf_provider_aws.cloudtrail_trail import CloudtrailTrail
from cdktf_cdktf_provider_aws import S3BucketVersioningV2

CloudtrailTrail(self, "trail", name="audit", s3_bucket_name="logs")
S3BucketVersioningV2(self, "v", bucket="logs", versioning_configuration={"status": "Enabled"})
""",
    )
    assert result.errors == []
    assert text == """\
from cdktf_cdktf_provider_aws.cloudtrail import Cloudtrail
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA

Cloudtrail(self, "trail", name="audit", s3_bucket_name="logs")
S3BucketVersioningA(self, "v", bucket="logs", versioning_configuration={"status": "Enabled"})
"""
    assert sorted(f.code for f in result.findings) == ["PRV101", "PRV101", "PRV102", "PRV102"]


def test_struct_imported_without_its_a_stays_in_its_module(tmp_path):
    # lib/s3-bucket has a struct of the same name (S3Bucket's inline block); moving the import
    # there gave the resource the wrong struct (typeguard: TypeError at synth). It gets its A.
    name = "S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault"
    result, text = _run(
        tmp_path,
        "cdktf-py",
        f"""\
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import {name}

{name}(sse_algorithm="AES256")
""",
    )
    assert result.errors == []
    assert text == f"""\
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import {name}A

{name}A(sse_algorithm="AES256")
"""
    assert [f.code for f in result.findings] == ["PRV102"]


def test_a_wrapper_whose_contents_are_set_beside_it_is_reported_not_lifted(tmp_path):
    result, text = _run(
        tmp_path,
        "cdktf-ts",
        """\
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
new S3BucketServerSideEncryptionConfigurationA(this, 'sse', { bucket: 'logs', rule: [], serverSideEncryptionConfiguration: { rule: [] } });
""",
    )
    assert "serverSideEncryptionConfiguration: { rule: [] }" in text
    assert [(f.code, f.edits) for f in result.findings] == [("PRV103", [])]
    assert "has no property `serverSideEncryptionConfiguration`; valid:" in result.findings[0].message


def test_depends_on_keeps_a_resource_held_by_a_construct_of_the_answer(tmp_path):
    # `compute.service` is the EcsService a construct of the answer holds, not an attribute
    # (`service` is one of other resources): only a provider resource's attribute is rewritten.
    result, text = _run(
        tmp_path,
        "cdktf-ts",
        """\
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
const compute = new ComputeModule(this, 'compute', config);
const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
new Subnet(this, 's', { vpcId: vpc.id, cidrBlock: '10.0.1.0/24', dependsOn: [compute.service, vpc.id] });
""",
    )
    assert "dependsOn: [compute.service, vpc]" in text
    assert [f.code for f in result.findings] == ["PRV105"]


def test_python_dict_moved_into_a_list_gets_camel_case_keys(tmp_path):
    _, text = _run(
        tmp_path,
        "cdktf-py",
        """\
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable

DynamodbTable(self, "t", name="t", hash_key="id", global_secondary_index={"name": "g", "hash_key": "x", "projection_type": "ALL"})
""",
    )
    assert 'global_secondary_index=[{"name": "g", "hashKey": "x", "projectionType": "ALL"}]' in text


def test_aliased_a_class_is_checked_as_the_class(tmp_path):
    result, _ = _run(
        tmp_path,
        "cdktf-py",
        """\
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA as S3BucketVersioning

S3BucketVersioning(self, "v", bucket="b", versioning_configuration={"status": "Enabled"}, provider=p)
""",
    )
    assert result.findings == []


def test_unknown_property_without_a_clear_match_is_reported_with_the_valid_names(tmp_path):
    result, text = _run(
        tmp_path,
        "cdktf-ts",
        """\
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
new LambdaFunction(this, 'fn', { functionName: 'f', role: 'r', code: 'x' });
""",
    )
    (finding,) = result.findings
    assert finding.code == "PRV103" and not finding.fixable
    assert "`LambdaFunction` has no property `code`; valid:" in finding.message
    assert "code: 'x'" in text


def test_terraform_messages_speak_terraform(tmp_path):
    result, _ = _run(
        tmp_path,
        "terraform",
        """\
resource "aws_lambda_function" "fn" {
  function_name = "f"
  role          = "r"
  code          = "x"
}

resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = "b"

  rule {
    id     = "expire"
    status = "Enabled"

    expiration {
      dayz = 30
    }
  }
}
""",
    )
    messages = [f.message for f in result.findings if f.code == "PRV103"]
    assert messages == [
        "`code` is not an argument of aws_lambda_function; valid: `mode`, `code_sha256`, `source_code_hash`, `code_signing_config_arn`",
        "`dayz` is not an argument of aws_s3_bucket_lifecycle_configuration.rule.expiration; valid: `days`",
    ]
    assert not any("Config" in m or "property" in m or "LambdaFunction" in m for m in messages)


def test_struct_class_keywords_are_checked_in_python(tmp_path):
    _, text = _run(
        tmp_path,
        "cdktf-py",
        """\
from cdktf_cdktf_provider_aws.security_group import SecurityGroupIngress

rule = SecurityGroupIngress(fromPort=443, to_port="443", protocol="tcp", cidr_blocks=["0.0.0.0/0"])
""",
    )
    assert 'SecurityGroupIngress(from_port=443, to_port=443, protocol="tcp"' in text


def test_hcl_unknown_attribute_and_nested_block_are_reported(tmp_path):
    result, text = _run(
        tmp_path,
        "terraform",
        """\
resource "aws_security_group" "web" {
  name   = "web"
  vpcId  = var.vpc

  ingress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
    cidr      = ["0.0.0.0/0"]
  }
}
""",
    )
    messages = sorted(f.message for f in result.findings)
    assert messages == [
        "`cidr` is not an argument of aws_security_group.ingress: it is `cidr_blocks`",
        "`vpcId` is not an argument of aws_security_group: it is `vpc_id`",
    ]
    assert "  vpc_id = var.vpc\n" in text and "cidr_blocks = [" in text


def test_an_argument_the_provider_has_nothing_like_is_removed_a_misspelling_is_not(tmp_path):
    result, text = _run(
        tmp_path,
        "terraform",
        """\
resource "aws_kinesis_video_stream" "cam" {
  name        = "cam"
  stream_mode = "LIVE"
  kms_key     = var.key
  media_type  = "video/h264"
}
""",
    )
    said = {f.message: f for f in result.findings}
    removed = said["`stream_mode` is not an argument of aws_kinesis_video_stream: aws_kinesis_video_stream has nothing of that name or close to it (removed)"]
    assert removed.fixable and "stream_mode" not in text
    # `kms_key` is `kms_key_id` (what the argument holds); nothing is guessed for a close name with two readings
    assert "kms_key_id = var.key" in text


def test_a_setting_that_belongs_to_another_resource_is_kept(tmp_path):
    result, text = _run(
        tmp_path,
        "terraform",
        """\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  metric {
    name = "all"
  }
}
""",
    )
    (finding,) = result.findings
    assert finding.message == "`metric` is not an argument of aws_s3_bucket; it belongs to aws_s3_bucket_metric"
    assert not finding.fixable and finding.preview and "metric {" in text


# keySpec is KmsKey's customerMasterKeySpec (PRV103's renames)
KMS_TS = "import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';\nnew KmsKey(this, 'k', { keySpec: 'SYMMETRIC_DEFAULT' });\n"


def test_a_project_pinning_another_major_of_the_package_gets_no_provider_finding(tmp_path):
    # another major's names are not judged against the bundled schema: nothing to repair
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@cdktf/provider-aws": "^8.0.0"}}))
    result, text = _run(tmp_path, "cdktf-ts", KMS_TS)
    assert result.findings == [] and text == KMS_TS


def test_a_project_pinning_the_bundled_major_or_nothing_is_checked(tmp_path):
    for spec in (f"^{schema.load().major}.0.0", f">={schema.load().major - 2}", "*"):
        (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@cdktf/provider-aws": spec}}))
        result, _ = _run(tmp_path, "cdktf-ts", KMS_TS)
        assert [f.code for f in result.findings] == ["PRV103"], spec


def test_pipfile_lock_says_which_package_is_installed(tmp_path):
    # Pipfile says "*": the lock file has the version the app builds against (5.0.50, aws 3.x/4.x)
    (tmp_path / "Pipfile").write_text('[packages]\ncdktf-cdktf-provider-aws = "*"\n')
    (tmp_path / "Pipfile.lock").write_text(json.dumps({"default": {"cdktf-cdktf-provider-aws": {"version": "==5.0.50"}}}))
    before = 'from cdktf_cdktf_provider_aws.db_instance import DbInstance\nDbInstance(self, "db", name="app")\n'
    result, text = _run(tmp_path, "cdktf-py", before)
    assert schema.project_provider_version(tmp_path) == ("Pipfile.lock", "cdktf-cdktf-provider-aws ==5.0.50", 5)
    assert result.findings == [] and text == before


def test_project_provider_version_sources(tmp_path):
    (tmp_path / "Pipfile").write_text('[packages]\ncdktf-cdktf-provider-aws = "~=21.0"\n')
    assert schema.project_provider_version(tmp_path)[2] == 21
    (tmp_path / "Pipfile").unlink()
    # cdktf.json's terraformProviders feed `cdktf get`, not the prebuilt package the code imports
    (tmp_path / "cdktf.json").write_text(json.dumps({"terraformProviders": ["aws@~> 5.0"]}))
    assert schema.project_provider_version(tmp_path) is None
    (tmp_path / "requirements.txt").write_text("cdktf==0.21.0\ncdktf-cdktf-provider-aws==19.40.0\n")
    assert schema.project_provider_version(tmp_path) == ("requirements.txt", "cdktf-cdktf-provider-aws ==19.40.0", 19)


DB_TF = 'resource "aws_autoscaling_attachment" "a" {\n  autoscaling_group_name = "asg"\n  alb_target_group_arn   = "arn"\n}\n'


def test_a_terraform_module_is_checked_by_the_schema_of_the_version_its_pin_gets(tmp_path):
    # alb_target_group_arn is the argument of aws 3.x and 4.x, renamed lb_target_group_arn in 5.0;
    # aws 3 has no shipped schema: nothing is said
    bundled = schema.load().terraform_provider.rsplit(" ", 1)[-1]
    major = int(bundled.split(".")[0])
    for version, raised in (("~> 3.38", False), ("~> 4.0", False), (f">= {major}.999", True), (f"~> {major}.0", True), ("~> 5.0", True), (">= 3.29", True)):
        versions = f'terraform {{\n  required_providers {{\n    aws = {{\n      source  = "hashicorp/aws"\n      version = "{version}"\n    }}\n  }}\n}}\n'
        result, _ = _run(tmp_path, "terraform", DB_TF, files={"versions.tf": versions})
        assert bool(result.findings) == raised, version
    lock = 'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "4.67.0"\n  constraints = ">= 3.29"\n}\n'
    result, _ = _run(tmp_path, "terraform", DB_TF, files={".terraform.lock.hcl": lock})
    assert result.findings == []


def test_each_rule_alone_is_idempotent_on_its_examples(tmp_path):
    for rule in PRV:
        for i, example in enumerate(rule.examples):
            if example.after in (None, example.before):  # valid, or reported: nothing to repair
                continue
            folder = tmp_path / f"{rule.code}-{i}"
            folder.mkdir()
            example2 = Example(example.flavour, example.after, files=example.files)
            result, text = run_example(rule, example2, folder)
            assert result.findings == [], (rule.code, i)


def test_the_rules_prv103_defers_to_exist():
    from iacfix.rules.prv103_provider_unknown_property import DEDICATED

    codes = {r.code: r for r in all_rules()}
    for code in DEDICATED.values():
        assert code in codes and set(codes[code].flavours) == {"terraform", "cdktf-ts", "cdktf-py"}


def test_import_from_the_lib_index_is_the_root(tmp_path):
    # `@cdktf/provider-aws/lib` is the package's index too: tsc says "no exported member 'Vpc'"
    result, text = _run(
        tmp_path,
        "cdktf-ts",
        """\
import { Vpc, Subnet } from '@cdktf/provider-aws/lib';
import { S3Bucket } from '@cdktf/provider-aws/lib/index';
""",
    )
    assert text == """\
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
"""


def test_namespace_move_does_not_collide_with_a_local_name(tmp_path):
    # `kms.KmsKey` → `kmsKey.KmsKey` would be shadowed by the const (tsc: TS2448, TS7022): the
    # class is imported from its module instead
    before = """\
import { AwsProvider, kms } from '@cdktf/provider-aws';
new AwsProvider(this, 'aws', { region: 'us-east-1' });
const kmsKey = new kms.KmsKey(this, 'key', { enableKeyRotation: true });
"""
    result, text = _run(tmp_path, "cdktf-ts", before)
    assert "new kmsKey.KmsKey" not in text and "const kmsKey = new KmsKey(this" in text
    assert "import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';" in text and "kms }" not in text
    assert "import { AwsProvider } from '@cdktf/provider-aws/lib/provider';" in text


def test_tsconfig_paths_to_local_bindings_are_checked_as_the_version_cdktf_json_names(tmp_path):
    # `@cdktf/provider-aws/lib/*` mapped onto .gen: the bindings of cdktf.json's aws ~> 5.26
    tsconfig = '{"compilerOptions": {"paths": {"@cdktf/provider-aws/lib/*": ["./.gen/providers/aws/*"]}}}'
    for providers, raised in ((["aws@~> 5.26"], False), (["hashicorp/aws@~> 6.0"], True), ([], False)):
        cdktf_json = json.dumps({"language": "typescript", "app": "x", "terraformProviders": providers})
        result, _ = _run(tmp_path, "cdktf-ts", KMS_TS, files={"tsconfig.json": tsconfig, "cdktf.json": cdktf_json})
        assert bool(result.findings) == raised, providers


def test_what_a_renamed_property_holds_is_checked_in_the_same_run(tmp_path):
    # `rule` is WafWebAcl's `rules`; in it, `statement` (WAFv2's) is nothing WAF classic has
    result, text = _run(
        tmp_path,
        "cdktf-ts",
        """\
import { WafWebAcl } from '@cdktf/provider-aws/lib/waf-web-acl';
new WafWebAcl(this, 'acl', { name: 'acl', metricName: 'acl', defaultAction: { type: 'ALLOW' }, rule: [{ priority: 1, ruleId: 'r', statement: { x: 1 } }] });
""",
    )
    assert "rules: [{ priority: 1, ruleId: 'r' }]" in text
    (tmp_path / "again").mkdir()
    again, _ = _run(tmp_path / "again", "cdktf-ts", text)
    assert [f for f in again.findings if f.fixable] == []


def test_an_argument_of_another_version_is_reported_in_cdktf_too(tmp_path):
    result, text = _run(
        tmp_path,
        "cdktf-ts",
        """\
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
new ApiGatewayDeployment(this, 'd', { restApiId: 'api', stageName: 'prod' });
""",
    )
    [finding] = [f for f in result.findings if f.code == "PRV103"]
    assert finding.message == "`ApiGatewayDeployment` has no property `stageName` (it is one in hashicorp/aws 5.100.0)"
    assert not finding.fixable and "stageName: 'prod'" in text


@pytest.mark.parametrize(
    "flavour,code",
    [
        ("terraform", 'resource "aws_ami" "linux" {\n  most_recent = true\n  owners      = ["amazon"]\n}\n'),
        ("cdktf-ts", "import { Ami } from '@cdktf/provider-aws/lib/ami';\nnew Ami(this, 'linux', { mostRecent: true, owners: ['amazon'] });\n"),
        ("cdktf-py", 'from cdktf_cdktf_provider_aws.ami import Ami\nAmi(self, "linux", most_recent=True, owners=["amazon"])\n'),
    ],
)
def test_a_resource_written_as_its_data_source_is_reported_whole_not_emptied(tmp_path, flavour, code):
    # The arguments are the data source's: removing them (nothing of that name on the resource) or
    # filling the resource's required `name` would create an AMI nobody asked for.
    result, text = _run(tmp_path, flavour, code)
    assert [f.code for f in result.findings] == ["PRV102"]
    assert "data source" in result.findings[0].message and not result.findings[0].fixable
    assert text == code
