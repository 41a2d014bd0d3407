"""The bundled provider schema and its loader (issue 5)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from iacfix.rulekit import schema

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_provider_schema", ROOT / "scripts" / "gen_provider_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_schema_is_the_pinned_version_and_small():
    s = schema.load()
    gen = _generator()
    assert s.version == gen.PROVIDER_VERSION and s.major == 21
    assert s.cdktf_version == gen.CDKTF_VERSION
    assert s.python_package == "cdktf_cdktf_provider_aws"
    assert (ROOT / "src" / "iacfix" / "data" / schema.DATA).stat().st_size < 3_000_000


def test_classes_by_name_and_terraform_type():
    s = schema.load()
    versioning = s.cls("S3BucketVersioningA")
    assert versioning.module == "s3-bucket-versioning" and versioning.terraform_type == "aws_s3_bucket_versioning"
    assert s.cls("S3BucketVersioning") is None
    assert s.by_terraform_type("aws_s3_bucket_versioning").name == "S3BucketVersioningA"
    assert s.by_terraform_type("data.aws_vpc").name == "DataAwsVpc"
    assert s.cls("AwsProvider").module == "provider"
    assert s.module_of("SubnetConfig") == "subnet" and s.module_of("Subnet") == "subnet"
    assert s.ts_import("subnet") == "@cdktf/provider-aws/lib/subnet"
    # the Python submodule is the snake_case of the jsii namespace, not always the folder's
    assert s.python_module("lexv2models-bot") == "lexv2_models_bot"
    assert s.module_from_python("lexv2_models_bot") == "lexv2models-bot"
    assert not s.has_module("iam")


def test_struct_properties_and_names():
    s = schema.load()
    config = s.config("Eip")
    assert config.prop("domain").type.text == "string"
    assert "vpc" not in config.props
    assert config.prop("dependsOn") is not None  # from TerraformMetaArguments
    tags = s.struct("AwsProviderConfig").prop("default_tags")
    assert tags.name == "defaultTags" and tags.type.struct_list == "AwsProviderDefaultTags"
    lb = s.config("LbTargetGroup").prop("deregistrationDelay")
    assert lb.type.text == "string" and lb.python == "deregistration_delay"
    address = s.struct("AccountAlternateContactConfig") or s.struct("AccountPrimaryContactConfig")
    line = address.prop("addressLine1") if address and address.prop("addressLine1") else None
    if line:  # Terraform spells it address_line_1, Python address_line1
        assert line.terraform == "address_line_1" and line.python == "address_line1"
    assert s.struct("TerraformResourceLifecycle").prop("ignore_changes") is not None


def test_generator_is_deterministic(tmp_path):
    gen = _generator()
    assembly = {
        "name": "@cdktf/provider-aws", "version": "1.0.0",
        "targets": {"python": {"module": "cdktf_cdktf_provider_aws"}},
        "types": {
            "@cdktf/provider-aws.eip.Eip": {
                "kind": "class", "name": "Eip", "namespace": "eip", "base": "cdktf.TerraformResource",
                "docs": {"summary": "Represents a {@link https://registry.terraform.io/providers/hashicorp/aws/6.0.0/docs/resources/eip aws_eip}."},
                "initializer": {"parameters": [{"name": "config", "type": {"fqn": "@cdktf/provider-aws.eip.EipConfig"}}]},
                "locationInModule": {"filename": "src/eip/index.ts"},
                "properties": [{"name": "publicIp", "locationInModule": {"line": 1}}, {"name": "domainInput", "locationInModule": {"line": 2}}],
            },
            "@cdktf/provider-aws.eip.EipConfig": {
                "kind": "interface", "datatype": True, "name": "EipConfig", "namespace": "eip",
                "interfaces": ["cdktf.TerraformMetaArguments"], "locationInModule": {"filename": "src/eip/index.ts"},
                "properties": [
                    {"name": "domain", "optional": True, "type": {"primitive": "string"}},
                    {"name": "tags", "optional": True, "type": {"collection": {"kind": "map", "elementtype": {"primitive": "string"}}}},
                    {"name": "addressLine1", "type": {"primitive": "string"},
                     "docs": {"summary": "{@link https://x/docs/resources/eip#address_line_1 Eip#address_line_1}"}},
                ],
            },
        },
    }
    core = {"name": "cdktf", "version": "0.21.0", "types": {
        "cdktf.TerraformMetaArguments": {"kind": "interface", "datatype": True, "name": "TerraformMetaArguments",
                                         "properties": [{"name": "count", "optional": True, "type": {"primitive": "number"}}]},
        "cdktf.App": {"kind": "class", "name": "App"},
    }}
    built = gen.build(assembly, core)
    assert built["classes"]["Eip"] == {"module": "eip", "py": "eip", "kind": "resource", "tf": "aws_eip",
                                       "config": "EipConfig", "attrs": ["publicIp"]}
    assert built["structs"]["EipConfig"]["props"] == {
        "domain": ["string", 0], "tags": ["map<string>", 0], "addressLine1": ["string", 1, "address_line_1"]}
    assert built["terraform_provider"] == "hashicorp/aws 6.0.0"
    a, b = tmp_path / "a.gz", tmp_path / "b.gz"
    gen.write(built, a)
    gen.write(gen.build(assembly, core), b)
    assert a.read_bytes() == b.read_bytes()
    loaded = schema.ProviderSchema(built)
    assert loaded.config("Eip").prop("count").type.text == "number"
    assert loaded.config("Eip").prop("address_line_1").name == "addressLine1"


def test_meant_class_of_names_the_provider_does_not_have():
    s = schema.load()
    meant = {
        "CloudtrailTrail": "Cloudtrail",  # the service, then its own noun again
        "CodepipelinePipeline": "Codepipeline",
        "ApiGatewayV2Api": "Apigatewayv2Api",  # aws_apigatewayv2_api, in another case
        "AwsConfigConfigRule": "ConfigConfigRule",  # the Terraform type with its aws_
        "S3BucketVersioningV2": "S3BucketVersioningA",  # Pulumi's V2
        "IamPolicyDocument": "DataAwsIamPolicyDocument",  # only a data source has that name
        "S3BucketCorsConfigurationA": "S3BucketCorsConfiguration",  # an A the provider does not add
        "S3BucketEncryption": "S3BucketServerSideEncryptionConfigurationA",  # the one class with those words
        "Ec2Instance": "Instance",  # a service word before a resource
        "VpcFlowLog": "FlowLog",
        "LoadBalancer": "Lb",  # the words' initials
        "ApplicationLoadBalancer": "Alb",
        "VirtualPrivateCloud": "Vpc",
    }
    assert {name: s.meant_class(name) for name in meant} == meant
    # the module it is imported from decides between the struct of lib/s3-bucket and the A one
    wrong_a = "S3BucketServerSideEncryptionConfigurationRuleAApplyServerSideEncryptionByDefault"
    assert s.meant_class(wrong_a, "s3-bucket-server-side-encryption-configuration") == wrong_a.replace("RuleAApply", "RuleApply") + "A"
    assert s.meant_class("Provider", "provider") == "AwsProvider"  # the module's one class
    # the provider's own names, and names that fit several classes or none, mean nothing else
    for name in ("Cloudtrail", "S3BucketVersioning", "NetworkLoadBalancer", "VpcAttachment", "Tag", "subnet", "CodedeployApplication"):
        assert s.meant_class(name) is None, name
