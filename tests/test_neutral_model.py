"""The neutral model answers the same in every language, and is not fooled by comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacfix import engine
from iacfix.backends import cdktf, hcl
from iacfix.rules import all_rules
from iacfix.textedit import apply_edits

RULES = {r.code: r for r in all_rules()}

LIFECYCLE = {
    "hcl": '''resource "aws_s3_bucket_lifecycle_configuration" "lc" {
  bucket = aws_s3_bucket.b.id

  rule {
    id     = "x"
    status = "Enabled"
  }
}
''',
    "typescript": '''import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
new S3BucketLifecycleConfiguration(this, "lc", { bucket: b.id, rule: [{ id: "x", status: "Enabled" }] });
''',
    "python": '''from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule
S3BucketLifecycleConfiguration(self, "lc", bucket=b.id, rule=[S3BucketLifecycleConfigurationRule(id="x", status="Enabled")])
''',
}


def _parse(language: str, text: str):
    path = Path({"hcl": "main.tf", "typescript": "main.ts", "python": "main.py"}[language])
    return hcl.parse(path, text) if language == "hcl" else cdktf.parse(language, path, text)


@pytest.mark.parametrize("language", sorted(LIFECYCLE))
def test_nested_blocks_are_objects_in_every_language(language):
    file = _parse(language, LIFECYCLE[language])
    (resource,) = file.resources()
    (rule,) = resource.blocks("rule")
    assert resource.type == "aws_s3_bucket_lifecycle_configuration"
    assert file.entry(rule, "status").value.value == "Enabled"
    assert file.entry(rule, "filter") is None


@pytest.mark.parametrize(
    "language,expected",
    [
        ("hcl", '    status = "Disabled"\n'),
        ("typescript", 'status: "Disabled"'),
        ("python", 'status="Disabled"'),
    ],
)
def test_set_entry_replaces_a_value_in_the_file_s_own_syntax(language, expected):
    file = _parse(language, LIFECYCLE[language])
    (rule,) = file.resources()[0].blocks("rule")
    assert expected in apply_edits(file.text, file.set_entry(rule, "status", file.literal("Disabled")))


@pytest.mark.parametrize(
    "language,expected",
    [
        ("hcl", "    id     = \"x\"\n    status = \"Enabled\"\n\n    filter {}\n"),
        ("typescript", 'status: "Enabled", filter: [{}] }'),
        ("python", 'status="Enabled", filter=[{}])'),
    ],
)
def test_insert_block_renders_a_nested_block(language, expected):
    file = _parse(language, LIFECYCLE[language])
    (rule,) = file.resources()[0].blocks("rule")
    assert expected in apply_edits(file.text, file.insert_block(rule, "filter", as_list=True))


def test_python_dict_keys_follow_jsii():
    # a dict jsii converts (one struct) takes Python names; one inside a list is passed as it is
    text = '''from cdktf_cdktf_provider_aws.ecs_service import EcsService
EcsService(self, "s", network_configuration={"subnets": []}, load_balancer=[{"targetGroupArn": tg.arn}])
'''
    file = _parse("python", text)
    (service,) = file.resources()
    (network,) = service.blocks("network_configuration")
    (balancer,) = service.blocks("load_balancer")
    assert (network.syntax, balancer.syntax) == ("dict", "raw-dict")
    assert '"assign_public_ip": False' in apply_edits(text, file.insert_entry(network, "assign_public_ip", "False"))
    assert '"containerPort": 80' in apply_edits(text, file.insert_entry(balancer, "container_port", "80"))


@pytest.mark.parametrize(
    "language,text,expected",
    [
        ("hcl", 'resource "aws_flow_log" "f" {\n  log_group_name = aws_cloudwatch_log_group.g.name\n}\n', ("aws_cloudwatch_log_group.g", "name")),
        ("typescript", 'import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";\nnew FlowLog(this, "f", { logGroupName: this.logGroup.name });\n', ("this.logGroup", "name")),
        ("python", 'from cdktf_cdktf_provider_aws.flow_log import FlowLog\nFlowLog(self, "f", log_group_name=log_group.log_group_class)\n', ("log_group", "log_group_class")),
    ],
)
def test_a_reference_is_read_as_resource_and_attribute(language, text, expected):
    file = _parse(language, text)
    (flow_log,) = file.resources()
    assert file.read_reference(flow_log.attr_value("log_group_name"))[:2] == expected


def test_hcl_data_sources_are_resources_of_type_data():
    file = _parse("hcl", 'data "aws_vpc" "main" {\n  default = true\n}\n')
    (vpc,) = file.resources()
    assert (vpc.type, vpc.ref, vpc.is_data, vpc.address) == ("data.aws_vpc", "data.aws_vpc.main", True, "data.aws_vpc.main")


NETWORK = '''resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.10.0/24"
}

resource "aws_ecs_service" "app" {
  name = "app"

  network_configuration {
    subnets = [aws_subnet.private.id]
    # was: assign_public_ip = true
    assign_public_ip = false
  }
}
'''


def test_a_comment_does_not_make_a_service_public(tmp_path):
    # NET101 read `assign_public_ip = true` in the text, comments included
    (tmp_path / "main.tf").write_text(NETWORK)
    result = engine.run([tmp_path], engine.Options(), tmp_path, rules=[RULES["NET101"]])
    assert [f.code for f in result.findings] == ["NET101"]
    (tmp_path / "main.tf").write_text(NETWORK.replace("assign_public_ip = false", "assign_public_ip = true"))
    assert engine.run([tmp_path], engine.Options(), tmp_path, rules=[RULES["NET101"]]).findings == []


def test_a_database_is_made_destroyable_safely_only_in_a_pipeline_task(tmp_path):
    # TF204 skips the final snapshot as the pipeline's ephemeral stacks want; elsewhere it offers
    # to name it, an unsafe fix (a lasting database wants its data kept)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "main.tf").write_text('resource "aws_db_instance" "db" {\n  identifier = "orders"\n}\n')
    outside = engine.run([tmp_path / "lib"], engine.Options(), tmp_path, rules=[RULES["TF204"]])
    assert [(f.code, f.fixable, bool(f.preview)) for f in outside.findings] == [("TF204", False, True)]
    (tmp_path / "metadata.json").write_text(json.dumps({"platform": "tf", "language": "hcl"}))
    inside = engine.run([tmp_path / "lib"], engine.Options(), tmp_path, rules=[RULES["TF204"]])
    assert [(f.code, f.fixable) for f in inside.findings] == [("TF204", True)]


def test_a_comment_is_no_reference():
    from iacfix.rulekit import optional_feature
    from iacfix.rulekit.terraform_module import Module

    class Ctx:  # what Module reads of a Context
        def __init__(self, files):
            self._files = files

        def files(self, *languages):
            return self._files

    text = 'resource "aws_lb_listener" "https" {\n  port = 443\n}\n\n# output "l" { value = aws_lb_listener.https.arn }\n'
    module = Module(Ctx([_parse("hcl", text)]))
    assert not optional_feature.referenced(module, "aws_lb_listener.https")
    module = Module(Ctx([_parse("hcl", text + 'output "l" {\n  value = aws_lb_listener.https.arn\n}\n')]))
    assert optional_feature.referenced(module, "aws_lb_listener.https")
