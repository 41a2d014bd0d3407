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


LEXED = {
    "hcl": '# grant("a")\nlocals {\n  a = "x${f("}")}y" # "b"\n  /* "c" */ d = <<-EOT\n    "e" # f\n  EOT\n}\n',
    "typescript": '// grant("a")\nconst a = `x${f("}")}y`; // "b"\n/* "c" */ const d = /"/.test("e");\n',
    "python": '"""grant("a")."""\na = f"x{f(\'}\')}y"  # "b"\nd = "e"\n',
}


@pytest.mark.parametrize(
    "language,literals,comments",
    [
        ("hcl", ['"x${f("}")}y"', '<<-EOT\n    "e" # f\n  EOT'], ['# grant("a")', '# "b"', '/* "c" */']),
        ("typescript", ['`x${f("}")}y`', '"e"'], ['// grant("a")', '// "b"', '/* "c" */']),
        ("python", ['f"x{f(\'}\')}y"', '"e"'], ['"""grant("a")."""', '# "b"']),
    ],
)
def test_the_lexer_tells_literals_comments_and_code_apart(language, literals, comments):
    # a regex over the text takes a quote in a comment, a `}` in an interpolation's string, a
    # heredoc's `#` for what they are not; the backend's lexer does not
    file = _parse(language, LEXED[language])
    assert [file.text[a:b] for a, b in file.literals()] == literals
    assert [file.text[a:b] for a, b in file.comments()] == comments
    code = file.code()
    assert len(code) == len(file.text) and code.count("\n") == file.text.count("\n")
    assert "grant" not in code and '"' not in code.replace('/"/', "") and "'" not in code
    assert file.in_comment(file.text.index("grant")) and not file.in_comment(file.text.index('"e"'))


BOUND = {
    "hcl": ('locals {\n  suffix = var.environment_suffix\n  twice  = "a"\n}\n\nlocals {\n  twice = "b"\n}\n\noutput "o" {\n  value = "${local.suffix}${local.twice}"\n}\n',
            "local.suffix", "local.twice"),
    "typescript": ("function f(props: any, twice: string) {\n  const suffix = props.environmentSuffix;\n  let again = 'a';\n  return `${suffix}${twice}${again}`;\n}\n",
                   "suffix", "twice"),
    "python": ("def f(props, twice):\n    suffix = props.environment_suffix\n    again = 'a'\n    again = 'b'\n    return f'{suffix}{twice}{again}'\n",
               "suffix", "twice"),
}


@pytest.mark.parametrize("language", sorted(BOUND))
def test_a_name_bound_once_holds_its_value(language):
    text, bound, unbound = BOUND[language]
    file = _parse(language, text)
    read = text.rindex(bound.split(".")[-1] + "}")  # the read in the last line
    assert file.bound_value(bound, read - len(bound) + len(bound.split(".")[-1])) in ("var.environment_suffix", "props.environmentSuffix", "props.environment_suffix")
    assert file.bound_value(unbound, text.rindex(unbound)) is None  # a parameter, a local set twice
    if language != "hcl":
        again = text.rindex("again")
        assert file.bound_value("again", again) is None  # `let` may change; a name assigned twice
        assert file.bound_value(bound, text.index(bound)) is None  # read before it is bound (its own declaration)


def test_a_comment_in_a_nested_block_refers_to_nothing(tmp_path):
    from iacfix.engine.context import Context
    from iacfix.engine.projects import group_projects
    from iacfix.engine.workspace import load

    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "dlq" {\n  name = "dlq"\n}\n\n'
        'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n\n  lifecycle {\n    # was: redrive to aws_sqs_queue.dlq\n    create_before_destroy = true\n  }\n}\n\n'
        'resource "aws_sqs_queue_redrive_policy" "jobs" {\n  queue_url = aws_sqs_queue.jobs.id\n}\n'
    )
    workspace, _ = load([tmp_path], tmp_path)
    [project] = group_projects(workspace)
    ctx = Context(workspace, project, engine.Options())
    dlq, jobs, _ = ctx.resources()
    assert ctx.refs_to(dlq) == []
    assert [(r.type, name) for r, name, _ in ctx.refs_to(jobs)] == [("aws_sqs_queue_redrive_policy", "queue_url")]
