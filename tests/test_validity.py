"""The validity engine (rulekit.validity) and the edits it needs from the backends: blocks written
as arguments and the reverse, lists of one value, resource types renamed with their references,
and which provider version judges a project."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacfix import engine
from iacfix.backends import cdktf, hcl
from iacfix.rules import all_rules
from iacfix.rulekit import terraform_schema, validity
from iacfix.textedit import apply_edits

PRV = [r for r in all_rules() if r.code.startswith("PRV")]


def _hcl(text: str) -> hcl.HclFile:
    return hcl.parse(Path("/virtual/main.tf"), text)


def _entry(file, resource_index: int, key: str):
    resource = file.resources()[resource_index]
    return resource, next(p for p in resource.body.props if p.key == key)


# -- backend edits ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "before,after",
    [
        ('resource "x" "y" {\n  rule = { a = 1, "b" = "two" }\n}\n', 'resource "x" "y" {\n  rule {\n    a = 1\n    b = "two"\n  }\n}\n'),
        ('resource "x" "y" {\n  rule = [{ a = 1 }, { a = 2 }]\n}\n', 'resource "x" "y" {\n  rule {\n    a = 1\n  }\n  rule {\n    a = 2\n  }\n}\n'),
        ('resource "x" "y" {\n  rule = {}\n}\n', 'resource "x" "y" {\n  rule {}\n}\n'),
    ],
)
def test_hcl_rewrite_as_block(before, after):
    file = _hcl(before)
    resource, prop = _entry(file, 0, "rule")
    assert apply_edits(before, file.rewrite_as_block(resource.body, prop)) == after


def test_hcl_rewrite_as_block_declines_a_key_that_is_no_identifier():
    text = 'resource "x" "y" {\n  rule = { "a b" = 1 }\n}\n'
    file = _hcl(text)
    resource, prop = _entry(file, 0, "rule")
    assert file.rewrite_as_block(resource.body, prop) == []


@pytest.mark.parametrize(
    "before,as_list,after",
    [
        ('resource "x" "y" {\n  tags {\n    Name = "a"\n  }\n}\n', False, 'resource "x" "y" {\n  tags = {\n    Name = "a"\n  }\n}\n'),
        ('resource "x" "y" {\n  s {\n    a = 1\n  }\n  n = 1\n  s {\n    a = 2\n  }\n}\n', True,
         'resource "x" "y" {\n  s = [{\n    a = 1\n  }, {\n    a = 2\n  }]\n  n = 1\n}\n'),
    ],
)
def test_hcl_rewrite_as_attribute(before, as_list, after):
    file = _hcl(before)
    resource, prop = _entry(file, 0, "tags" if "tags" in before else "s")
    assert apply_edits(before, file.rewrite_as_attribute(resource.body, prop, as_list)) == after


def test_hcl_rewrite_as_attribute_declines_blocks_holding_blocks():
    text = 'resource "x" "y" {\n  tags {\n    inner {\n      a = 1\n    }\n  }\n}\n'
    file = _hcl(text)
    resource, prop = _entry(file, 0, "tags")
    assert file.rewrite_as_attribute(resource.body, prop, False) == []


def test_wrap_and_unwrap_a_list_in_every_language():
    text = 'resource "x" "y" {\n  ids = var.one\n  more = [var.two]\n}\n'
    file = _hcl(text)
    resource, ids = _entry(file, 0, "ids")
    _, more = _entry(file, 0, "more")
    assert apply_edits(text, file.wrap_in_list(ids.value) + file.unwrap_list(more.value)) == 'resource "x" "y" {\n  ids = [var.one]\n  more = var.two\n}\n'
    ts = "import { Instance } from '@cdktf/provider-aws/lib/instance';\nnew Instance(this, 'i', { vpcSecurityGroupIds: sg.id });\n"
    file = cdktf.parse("typescript", Path("/virtual/x.ts"), ts)
    [resource] = file.resources()
    prop = resource.attrs["vpc_security_group_ids"]
    assert "vpcSecurityGroupIds: [sg.id]" in apply_edits(ts, file.wrap_in_list(prop.value))


def test_hcl_rename_resource_type_and_its_references():
    text = 'resource "aws_rds_instance" "db" {\n  engine = "postgres"\n}\n\noutput "a" {\n  value = "${aws_rds_instance.db.endpoint}"\n}\n\noutput "b" {\n  value = aws_rds_instance.db2.endpoint\n}\n'
    file = _hcl(text)
    [resource] = file.resources()
    edits = file.rename_resource_type(resource, "aws_db_instance") + file.rename_reference("aws_rds_instance.db", "aws_db_instance.db")
    assert apply_edits(text, edits) == text.replace('"aws_rds_instance" "db"', '"aws_db_instance" "db"').replace("${aws_rds_instance.db.", "${aws_db_instance.db.")


# -- which version judges --------------------------------------------------------------------------
def _context(root: Path, flavour_file: str, text: str, files: dict[str, str] | None = None):
    (root / flavour_file).parent.mkdir(parents=True, exist_ok=True)
    (root / flavour_file).write_text(text)
    for name, content in (files or {}).items():
        (root / name).write_text(content)
    workspace, _ = engine.load([root], root)
    [project] = [p for p in engine.group_projects(workspace) if p.flavour == "terraform" or flavour_file.endswith((".ts", ".py"))]
    return engine.Context(workspace, project, engine.Options())


def test_an_unpinned_project_is_judged_by_the_newest_release_and_fixes_hold_in_the_major_below(tmp_path):
    ctx = _context(tmp_path, "main.tf", 'resource "aws_eip" "a" {}\n')
    judge = terraform_schema.judge(ctx, "aws")
    assert [s.major for s in judge.schemas] == [6, 5]
    builtin = terraform_schema.judge(ctx, "terraform")  # terraform_data is Terraform's own
    assert builtin.source == "terraform.io/builtin/terraform" and builtin.primary.exact
    assert terraform_schema.judge(ctx, "acme") is None  # a provider iacfix ships no schema of


def test_a_pinned_major_is_judged_alone(tmp_path):
    pin = 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n'
    ctx = _context(tmp_path, "main.tf", pin)
    judge = terraform_schema.judge(ctx, "aws")
    assert [s.version for s in judge.schemas] == ["5.100.0"]


def test_a_major_with_no_schema_is_said_and_not_judged(tmp_path):
    pin = 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 3.0"\n    }\n  }\n}\n\nresource "aws_rds_instance" "db" {}\n'
    ctx = _context(tmp_path, "main.tf", pin)
    judge = terraform_schema.judge(ctx, "aws")
    assert judge.primary is None and "no shipped schema matches" in judge.reason
    assert validity.problems(ctx, "type") == []


def _pin(constraint: str) -> str:
    return f'terraform {{\n  required_providers {{\n    aws = {{\n      source  = "hashicorp/aws"\n      version = "{constraint}"\n    }}\n  }}\n}}\n'


_TS_APP = 'import { Eip } from "@cdktf/provider-aws/lib/eip";\nnew Eip(this, "ip", {});\n'
_PY_APP = 'from cdktf_cdktf_provider_aws.eip import Eip\nEip(self, "ip")\n'
_CDKTF_JSON = '{"language": "typescript", "app": "npx ts-node main.ts"}'


@pytest.mark.parametrize(
    "flavour_file,text,files",
    [
        ("main.tf", _pin("~> 4.0"), {}),
        ("main.tf", _pin(">= 4.20, < 5"), {}),
        ("main.tf", _pin("4.12.1"), {}),  # a release iacfix does not list: its major's schema
        ("main.tf", _pin(">= 5.0"), {".terraform.lock.hcl": 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "4.50.0"\n}\n'}),
        ("main.ts", _TS_APP, {"package.json": '{"dependencies": {"@cdktf/provider-aws": "^15.0.0"}}', "cdktf.json": _CDKTF_JSON}),
        ("main.ts", _TS_APP, {"package.json": '{"dependencies": {"@cdktf/provider-aws": "12.0.3"}}', "cdktf.json": _CDKTF_JSON}),
        ("main.py", _PY_APP, {"requirements.txt": "cdktf-cdktf-provider-aws~=13.0\n", "cdktf.json": _CDKTF_JSON.replace("typescript", "python")}),
    ],
    ids=["~> 4.0", ">= 4.20, < 5", "4.12.1", "lock file 4.50.0", "@cdktf/provider-aws ^15", "@cdktf/provider-aws 12.0.3", "cdktf-cdktf-provider-aws ~=13.0"],
)
def test_an_aws_4_pin_is_judged_by_the_aws_4_schema(tmp_path, flavour_file, text, files):
    judge = terraform_schema.judge(_context(tmp_path, flavour_file, text, files), "aws")
    assert [s.version for s in judge.schemas] == ["4.67.0"]
    assert "checked against hashicorp/aws 4.67.0 (derived from @cdktf/provider-aws 15.0.0)" in judge.reason


def test_a_markdown_answer_pins_through_its_blocks(tmp_path):
    answer = tmp_path / "answer.md"
    answer.write_text('```hcl\n# versions.tf\nterraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n```\n')
    workspace, _ = engine.load([answer], tmp_path)
    [project] = engine.group_projects(workspace)
    judge = terraform_schema.judge(engine.Context(workspace, project, engine.Options()), "aws")
    assert [s.major for s in judge.schemas] == [5]


# -- what is judged ----------------------------------------------------------------------------------
def _run(tmp_path, text: str, unsafe: bool = False) -> tuple[engine.RunResult, str]:
    (tmp_path / "main.tf").write_text(text)
    result = engine.run([tmp_path], engine.Options(unsafe_fixes=unsafe), cwd=tmp_path, rules=PRV)
    return result, result.workspace.text[(tmp_path / "main.tf").absolute()]


def test_an_argument_removed_in_the_newest_major_is_reported_not_removed(tmp_path):
    result, text = _run(tmp_path, 'resource "aws_api_gateway_deployment" "d" {\n  rest_api_id = "x"\n  stage_name  = "prod"\n}\n', unsafe=True)
    [finding] = result.findings
    assert finding.message.startswith("`stage_name` is not an argument of aws_api_gateway_deployment (it is one in hashicorp/aws 5.100.0")
    assert not finding.fixable and 'stage_name  = "prod"' in text


def test_an_argument_removed_in_5_is_valid_under_a_4_pin_and_renamed_under_5(tmp_path):
    db = 'resource "aws_db_instance" "db" {\n  instance_class = "db.t3.micro"\n  name           = "app"\n}\n'
    result, text = _run(tmp_path, _pin("~> 4.0") + db)
    assert [f.code for f in result.findings] == [] and text == _pin("~> 4.0") + db
    result, text = _run(tmp_path, _pin("~> 5.0") + db)
    assert [(f.code, f.message) for f in result.findings] == [("PRV103", "`name` is not an argument of aws_db_instance: it is `db_name`")]
    assert 'db_name        = "app"' in text


def test_under_a_4_pin_the_eip_domain_is_set_by_the_provider(tmp_path):
    """aws 4 had `vpc`; `domain` became an argument in 5."""
    result, text = _run(tmp_path, _pin("~> 4.0") + 'resource "aws_eip" "ip" {\n  vpc = true\n}\n')
    assert result.findings == []
    result, text = _run(tmp_path, _pin("~> 4.0") + 'resource "aws_eip" "ip" {\n  domain = "vpc"\n}\n')
    assert [(f.code, f.message) for f in result.findings] == [
        ("PRV109", "`domain` of aws_eip is set by the provider, not by the configuration: remove it")]


@pytest.mark.parametrize("pin_file,pin", [(".terraform.lock.hcl", 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "4.67.0"\n}\n'),
                                          ("package.json", '{"dependencies": {"@cdktf/provider-aws": "^15.0.0"}}')])
def test_tf203_leaves_vpc_alone_where_the_pin_gets_aws_4(tmp_path, pin_file, pin):
    eip = 'resource "aws_eip" "ip" {\n  vpc = true\n}\n'
    (tmp_path / "main.tf").write_text(eip)
    tf203 = [r for r in all_rules() if r.code == "TF203"]
    assert [f.code for f in engine.run([tmp_path], engine.Options(), cwd=tmp_path, rules=tf203).findings] == ["TF203"]
    (tmp_path / pin_file).write_text(pin)
    assert engine.run([tmp_path], engine.Options(), cwd=tmp_path, rules=tf203).findings == []


def test_a_module_pinning_a_major_the_cdktf_bindings_are_not_gets_its_unknown_arguments_repaired(tmp_path):
    # PRV103 returned before the engine's problems when the bundled bindings (aws 6) do not describe
    # the pin: every module pinning `~> 5.0` (most of the corpus) kept replication_group_description,
    # which aws 5 rejects ('Unsupported argument' in the validity sweep)
    pin = 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n\n'
    group = 'resource "aws_elasticache_replication_group" "r" {\n  replication_group_id          = "r"\n  replication_group_description = "cache"\n  node_type                     = "cache.t3.micro"\n}\n'
    result, fixed = _run(tmp_path, pin + group)
    assert [(f.code, f.message) for f in result.findings] == [
        ("PRV103", "`replication_group_description` is not an argument of aws_elasticache_replication_group: it is `description`")
    ]
    assert fixed == pin + 'resource "aws_elasticache_replication_group" "r" {\n  replication_group_id = "r"\n  description          = "cache"\n  node_type            = "cache.t3.micro"\n}\n'


def test_an_argument_of_a_list_of_objects_written_as_blocks_is_no_problem(tmp_path):
    result, _ = _run(tmp_path, 'resource "aws_route_table" "r" {\n  vpc_id = "vpc-1"\n  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = "igw-1"\n  }\n}\n')
    assert result.findings == []


def test_a_plural_list_argument_takes_the_single_value(tmp_path):
    text = 'resource "aws_elasticache_user" "u" {\n  user_id       = "u"\n  user_name     = "u"\n  engine        = "REDIS"\n  access_string = "on ~* +@all"\n  password      = var.password\n}\n'
    result, fixed = _run(tmp_path, text)
    assert [f.message for f in result.findings] == ["`password` is not an argument of aws_elasticache_user: it is `passwords`, a list"]
    assert "passwords     = [var.password]" in fixed


def test_an_argument_that_asks_for_nothing_is_removed_even_near_a_real_one(tmp_path):
    result, fixed = _run(tmp_path, 'resource "aws_redshift_cluster" "c" {\n  cluster_identifier = "c"\n  node_type          = "dc2.large"\n  enable_logging     = false\n}\n')
    assert [f.fixable for f in result.findings] == [True] and "enable_logging" not in fixed


def test_unknown_arguments_of_another_provider_are_left_alone(tmp_path):
    result, _ = _run(tmp_path, 'resource "terraform_data" "x" {\n  input = 1\n}\n\nresource "google_storage_bucket" "b" {\n  whatever = 1\n}\n')
    assert result.findings == []


def test_terraforms_own_resources_are_judged_by_its_builtin_provider(tmp_path):
    text = ('resource "terraform_data" "x" {\n  input    = 1\n  triggers = [1]\n}\n\n'
            'data "terraform_remote_state" "net" {\n  config = {}\n}\n')
    result, _ = _run(tmp_path, text, unsafe=True)
    assert [(f.code, f.message) for f in result.findings] == [
        ("PRV103", "`triggers` is not an argument of terraform_data; valid: `triggers_replace`"),
        ("PRV108", "data.terraform_remote_state needs `backend`")]


def test_the_available_schemas_answer_every_type_the_corpus_uses():
    # the prefix of a type names its provider: each shipped provider judges its own types
    assert terraform_schema.provider_of("data.aws_vpc") == "aws"
    assert terraform_schema.provider_of("random_password") == "random"


def test_meant_types_names_both_candidates_when_it_cannot_choose(tmp_path):
    ctx = _context(tmp_path, "main.tf", "")
    judge = terraform_schema.judge(ctx, "aws")
    assert validity.meant_types("aws_rds_instance", judge, False, ["engine", "instance_class"])[0] == "aws_db_instance"
    assert validity.meant_types("aws_lambda_permissions", judge, False, [])[0] == "aws_lambda_permission"
    assert validity.meant_types("aws_api_gateway_v2_api", judge, False, [])[0] == "aws_apigatewayv2_api"
    assert validity.meant_types("aws_s3_bucket_encryption", judge, False, ["bucket", "rule"])[0] == "aws_s3_bucket_server_side_encryption_configuration"
    chosen, candidates = validity.meant_types("aws_cloudwatch_alarm", judge, False, ["alarm_name"])
    assert chosen is None and set(candidates) == {"aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"}


def test_an_owner_name_before_an_argument_is_dropped(tmp_path):
    result, fixed = _run(tmp_path, 'resource "aws_kms_key" "k" {\n  key_policy = "{}"\n}\n\nresource "aws_sqs_queue" "q" {\n  queue_name = "q"\n}\n')
    assert [f.message for f in result.findings] == [
        "`key_policy` is not an argument of aws_kms_key: it is `policy`",
        "`queue_name` is not an argument of aws_sqs_queue: it is `name`",
    ]
    assert 'policy = "{}"' in fixed and 'name = "q"' in fixed


def test_an_unknown_block_holding_the_missing_required_block_is_it(tmp_path):
    text = 'resource "aws_sagemaker_code_repository" "r" {\n  code_repository_name = "r"\n  git_repo {\n    repository_url = "https://example.com/r.git"\n  }\n}\n'
    result, fixed = _run(tmp_path, text)
    assert [f.message for f in result.findings] == ["`git_repo` is not an argument of aws_sagemaker_code_repository: it is `git_config`"]
    assert "  git_config {\n" in fixed


def test_a_wrapper_of_the_blocks_own_arguments_is_kept_a_wrapper_of_generic_names_is_not(tmp_path):
    text = (
        'resource "aws_db_instance" "db" {\n  instance_class    = "db.t3.micro"\n  allocated_storage = 10\n'
        '  disk {\n    allocated_storage = 20\n  }\n  autoscaling {\n    enabled = true\n  }\n}\n'
    )
    result, fixed = _run(tmp_path, text)
    said = {f.message.split(" is not")[0]: f for f in result.findings}
    # set beside it too, so not lifted: which one is meant is a human's call
    assert said["`disk`"].message.endswith("what it holds is aws_db_instance's: a human decides where")
    assert not said["`disk`"].fixable and "allocated_storage = 20" in fixed
    assert said["`autoscaling`"].fixable and "autoscaling" not in fixed


def test_required_names_and_zones_the_project_determines(tmp_path):
    text = (
        'provider "aws" {\n  region = var.region\n}\n\nvariable "region" {\n  default = "eu-west-1"\n}\n\n'
        'resource "aws_lightsail_disk" "data" {\n  size_in_gb = 8\n}\n\n'
        'resource "aws_elasticache_user" "app_user" {\n  user_id       = "app"\n  engine        = "REDIS"\n  access_string = "on ~* +@all"\n}\n'
    )
    result, fixed = _run(tmp_path, text)
    assert 'availability_zone = "eu-west-1a"' in fixed and 'user_name     = "app-user"' in fixed
    assert {f.code for f in result.findings} == {"PRV108"} and all(f.fixable for f in result.findings)


def test_a_wrapper_block_of_the_resources_own_blocks_is_unwrapped(tmp_path):
    text = (
        'resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {\n  bucket = "logs"\n\n'
        '  server_side_encryption_configuration {\n    rule {\n      apply_server_side_encryption_by_default {\n'
        '        sse_algorithm = "aws:kms"\n      }\n    }\n  }\n}\n'
    )
    result, fixed = _run(tmp_path, text)
    assert [f.code for f in result.findings] == ["PRV103"]
    assert fixed == (
        'resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {\n  bucket = "logs"\n\n'
        '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "aws:kms"\n    }\n  }\n}\n'
    )


def test_an_identifier_of_another_resource_is_a_reference_to_it(tmp_path):
    text = 'resource "aws_rds_cluster" "main" {\n  engine = "aurora-postgresql"\n}\n\nresource "aws_rds_cluster_instance" "one" {\n  instance_class = "db.r6g.large"\n  engine         = "aurora-postgresql"\n}\n'
    result, fixed = _run(tmp_path, text)
    assert [f.message for f in result.findings] == [
        "aws_rds_cluster_instance needs `cluster_identifier`: the module's only aws_rds_cluster (aws_rds_cluster.main.id)"
    ]
    assert "cluster_identifier = aws_rds_cluster.main.id" in fixed


def test_an_argument_goes_inside_a_block_whose_attributes_end_with_a_heredoc():
    text = 'resource "x" "y" {\n  name      = "a"\n  user_data = <<EOF\n#!/bin/bash\nEOF\n}\n'
    file = _hcl(text)
    [resource] = file.resources()
    assert apply_edits(text, file.insert_entry(resource.body, "zone", '"z"')) == (
        'resource "x" "y" {\n  name      = "a"\n  user_data = <<EOF\n#!/bin/bash\nEOF\n  zone      = "z"\n}\n'
    )


def test_a_computed_attribute_set_from_an_expression_may_be_null(tmp_path):
    text = 'variable "ipv6" {\n  default = null\n}\n\nresource "aws_eks_cluster" "c" {\n  name     = "c"\n  role_arn = "arn"\n  vpc_config {\n    subnet_ids = ["s"]\n  }\n  kubernetes_network_config {\n    service_ipv6_cidr = var.ipv6\n  }\n}\n'
    result, fixed = _run(tmp_path, text)
    assert result.findings == [] and "service_ipv6_cidr = var.ipv6" in fixed
    result, fixed = _run(tmp_path, text.replace("var.ipv6", '"fd00::/108"'))
    assert [f.code for f in result.findings] == ["PRV109"] and "service_ipv6_cidr" not in fixed


def test_an_argument_of_a_block_two_levels_down_is_moved_there(tmp_path):
    text = 'resource "aws_s3_bucket_object_lock_configuration" "lock" {\n  bucket = "b"\n  mode   = "GOVERNANCE"\n}\n'
    result, fixed = _run(tmp_path, text)
    assert [f.message for f in result.findings] == [
        "`mode` is not an argument of aws_s3_bucket_object_lock_configuration: it belongs in `rule { default_retention { ... } }`"
    ]
    assert fixed == 'resource "aws_s3_bucket_object_lock_configuration" "lock" {\n  bucket = "b"\n  rule {\n    default_retention {\n      mode = "GOVERNANCE"\n    }\n  }\n}\n'


def test_an_argument_of_the_one_single_block_written_beside_it_is_moved_in(tmp_path):
    text = (
        'resource "aws_cloudfront_distribution" "cdn" {\n  enabled                    = true\n  response_headers_policy_id = "p"\n\n'
        '  default_cache_behavior {\n    target_origin_id       = "o"\n    viewer_protocol_policy = "allow-all"\n  }\n}\n'
    )
    result, fixed = _run(tmp_path, text)
    moved = [f for f in result.findings if f.code == "PRV103"]
    assert [f.message for f in moved] == ["`response_headers_policy_id` is not an argument of aws_cloudfront_distribution: it belongs in its `default_cache_behavior` block"]
    assert '    response_headers_policy_id = "p"\n  }' in fixed


def test_a_computed_attribute_set_from_another_resource_is_removed(tmp_path):
    text = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n\nresource "aws_db_snapshot" "s" {\n  db_instance_identifier = "i"\n  db_snapshot_identifier = "s"\n  source_region          = aws_s3_bucket.b.region\n}\n'
    result, fixed = _run(tmp_path, text)
    assert [f.code for f in result.findings] == ["PRV109"] and "source_region" not in fixed


def test_a_layer_versions_layer_name_is_its_own(tmp_path):
    result, fixed = _run(tmp_path, 'resource "aws_lambda_layer_version" "deps" {\n  filename = "deps.zip"\n}\n')
    assert [f.message for f in result.findings] == ["aws_lambda_layer_version needs `layer_name`: the resource's label"]
    assert 'layer_name = "deps"' in fixed


def test_names_by_their_form_and_two_words_in_common(tmp_path):
    text = (
        'resource "aws_kms_alias" "a" {\n  alias         = "alias/app"\n  target_key_id = "k"\n}\n\n'
        'resource "aws_route53_health_check" "h" {\n  type                        = "HTTPS"\n  fully_qualified_domain_name = "example.com"\n}\n\n'
        'resource "aws_security_group" "sg" {\n  ingress {\n    from_port                = 443\n    to_port                  = 443\n'
        '    protocol                 = "tcp"\n    source_security_group_id = "sg-1"\n  }\n}\n'
    )
    result, fixed = _run(tmp_path, text)
    assert [(f.message, f.fixable) for f in result.findings] == [
        ("`alias` is not an argument of aws_kms_alias: it is `name`", True),
        ("`fully_qualified_domain_name` is not an argument of aws_route53_health_check: it is `fqdn`", True),
        # two telling words in common with a real argument: maybe a misspelling, a human decides
        ("`source_security_group_id` is not an argument of aws_security_group.ingress; valid: `security_groups`", False),
    ]
    assert 'name          = "alias/app"' in fixed and "fqdn" in fixed and "source_security_group_id" in fixed


def test_what_a_dedicated_rule_repairs_is_left_whole(tmp_path):
    text = 'resource "aws_ecs_service" "s" {\n  name = "s"\n  deployment_configuration {\n    maximum_percent = 200\n  }\n}\n'
    result, _ = _run(tmp_path, text)
    assert [f for f in result.findings if f.code in ("PRV103", "PRV104")] == []


def test_content_of_several_lines_is_not_removed_safely(tmp_path):
    text = 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  role          = "r"\n  zip_file      = <<EOF\nexports.handler = async () => 1\nEOF\n}\n'
    result, fixed = _run(tmp_path, text)
    [finding] = [f for f in result.findings if f.code == "PRV103"]
    assert not finding.fixable and finding.preview and "exports.handler" in fixed


def test_a_type_is_not_renamed_onto_an_address_the_module_declares(tmp_path):
    # the validity sweep: aws_lambda_function_code "x" beside aws_lambda_function "x" (Pr5195) was
    # renamed into a second aws_lambda_function "x": 'Duplicate resource configuration'
    function = 'resource "aws_lambda_function" "x" {\n  function_name = "x"\n  role          = "arn:aws:iam::1:role/r"\n}\n\n'
    code = 'resource "aws_lambda_function_code" "x" {\n  function_name = "x"\n}\n'
    result, fixed = _run(tmp_path, function + code)
    assert [(f.code, f.message, f.fixable) for f in result.findings if f.code == "PRV102"] == [
        ("PRV102", "aws_lambda_function_code is not a resource type of the aws provider: it is aws_lambda_function, "
                   "but aws_lambda_function.x is declared already (a human merges or renames them)", False)
    ]
    assert fixed == function + code
