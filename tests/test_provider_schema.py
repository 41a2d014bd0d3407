"""The Terraform-level provider schemas (iacfix.provider_schema) and the project's pins
(iacfix.provider_pins): lookups against known facts of the shipped data, version selection, and
the generators' pieces that need no network."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from iacfix import provider_pins, provider_schema
from iacfix.rulekit import schema
from iacfix.provider_schema import Constraint, CtyType

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str):
    sys.path.insert(0, str(ROOT / "scripts"))  # the generators import their sibling modules
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "scripts"))


@pytest.fixture(scope="module")
def aws5():
    s = provider_schema.load("hashicorp/aws", "5.100.0")
    assert s is not None and s.exact
    return s


@pytest.fixture(scope="module")
def aws6():
    s = provider_schema.for_provider("hashicorp/aws", "~> 6.0")
    assert s is not None and s.major == 6
    return s


# -- lookups ------------------------------------------------------------------------------------------------
def test_aws5_attributes_flags_and_deprecation(aws5):
    eip = aws5.resource("aws_eip")
    domain, vpc = eip.attribute("domain"), eip.attribute("vpc")
    assert domain.optional and domain.computed and not domain.deprecated and str(domain.type) == "string"
    assert vpc.deprecated and vpc.type.kind == "bool"
    arn = aws5.resource("aws_instance").attribute("arn")
    assert arn.computed_only and not arn.settable
    assert "arn" not in aws5.resource("aws_instance").argument_names
    assert aws5.resource("aws_s3_bucket").attribute("bucket").settable
    assert aws5.resource("aws_iam_role").required_attributes == ["assume_role_policy"]


def test_aws5_blocks_nesting_and_limits(aws5):
    rule = aws5.resource("aws_s3_bucket_lifecycle_configuration").block_type("rule")
    assert rule.nesting == "list" and rule.block.attribute("status").required
    assert rule.block.block_type("transition").nesting == "set"
    root = aws5.resource("aws_instance").block_type("root_block_device")
    assert (root.nesting, root.min_items, root.max_items) == ("list", 0, 1)
    assert aws5.resource("aws_eip").block_type("timeouts").nesting == "single"
    # an attribute of set(object), written `ingress = [...]` or as `ingress { }` blocks alike
    ingress = aws5.resource("aws_security_group").attribute("ingress")
    assert ingress.type.kind == "set" and ingress.type.element.kind == "object"
    assert ingress.type.element.attribute_types["from_port"] == CtyType("number")
    assert aws5.resource("aws_security_group").block_type("ingress") is None


def test_aws5_names_data_sources_and_provider_config(aws5):
    assert "aws_s3_bucket" in aws5.resource_types and len(aws5.resource_types) > 1500
    assert aws5.resource_types == sorted(aws5.resource_types)
    assert aws5.resource("aws_s3_bucket_versioning_v2") is None
    assert aws5.data_source("aws_vpc").attribute("cidr_block").computed
    assert "aws_iam_policy_document" in aws5.data_source_types
    config = aws5.provider_config()
    assert config.attribute("region").optional and config.block_type("default_tags") is not None
    assert "arn_parse" in aws5.functions
    # the huge schemas are read from the file's second gzip member, on demand
    assert "aws_quicksight_dashboard" in aws5.resource_types and ["resource", "aws_quicksight_dashboard"] in aws5.header["deferred"]
    assert aws5.resource("aws_quicksight_dashboard").block_type("definition") is not None


def test_aws6_is_derived_and_lacks_what_6_removed(aws6):
    assert not aws6.exact and aws6.origin["kind"] == "cdktf" and aws6.origin["package"].endswith("/provider-aws")
    eip = aws6.resource("aws_eip")
    assert eip.attribute("vpc") is None and eip.attribute("domain").settable
    # what 6.0 added: `region` on every regional resource
    assert aws6.resource("aws_instance").attribute("region").optional
    assert aws6.resource("aws_s3_bucket_lifecycle_configuration").block_type("rule").nesting == "list"


def test_the_prebuilt_providers_the_corpus_uses_are_shipped():
    random = provider_schema.for_provider("hashicorp/random")
    assert random.resource("random_password").attribute("length").required
    assert random.resource("random_password").attribute("result").computed_only
    assert random.resource("RandomPassword") is None
    assert provider_schema.for_provider("hashicorp/archive").data_source("archive_file").attribute("output_path").required
    for name in ("tls", "null", "local", "time"):
        assert provider_schema.for_provider(name) is not None, name


def test_cty_types_parse_and_print():
    assert str(CtyType.from_json(["list", "string"])) == "list(string)"
    assert str(CtyType.from_json(["map", ["set", "number"]])) == "map(set(number))"
    obj = CtyType.from_json(["object", {"b": "bool", "a": "string"}, ["b"]])
    assert str(obj) == "object({a=string,b=optional(bool)})" and obj.attribute_types["a"].is_primitive
    assert str(CtyType.from_json("dynamic")) == "any"
    assert str(CtyType.from_json(["tuple", ["string", "number"]])) == "tuple([string,number])"


def test_a_block_is_parsed_once(aws5):
    assert aws5.resource("aws_vpc") is aws5.resource("aws_vpc")


# -- version constraints and selection ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "constraint, yes, no",
    [
        ("~> 5.0", ["5.0.0", "5.100.0"], ["4.67.0", "6.0.0"]),
        ("~> 5.1.2", ["5.1.2", "5.1.9"], ["5.2.0", "5.1.1"]),
        ("~> 5", ["5.0.0", "5.9.0"], ["6.0.0"]),
        (">= 4.0, < 5.0", ["4.0.0", "4.67.0"], ["5.0.0", "3.9.0"]),
        ("5.100.0", ["5.100.0"], ["5.100.1"]),
        ("= 5.1", ["5.1.0"], ["5.1.1"]),
        ("!= 5.2.0, >= 5.0", ["5.1.0", "5.3.0"], ["5.2.0"]),
        ("", ["0.1.0", "6.25.0"], []),
    ],
)
def test_constraints(constraint, yes, no):
    c = Constraint.parse(constraint)
    parse = provider_schema.parse_version
    assert all(c.admits(parse(v)) for v in yes) and not any(c.admits(parse(v)) for v in no)


def test_selection_follows_terraform_init():
    # unpinned and open-ended constraints: terraform init picks the newest release, aws 6
    assert provider_schema.for_provider("hashicorp/aws").major == 6
    assert provider_schema.for_provider("aws", ">= 5.0").major == 6
    assert provider_schema.for_provider("registry.terraform.io/hashicorp/aws", "~> 5.0").version == "5.100.0"
    # a pin to a version not shipped: the shipped schema of its major
    pinned = provider_schema.select("aws", "5.30.0")
    assert pinned.schema.version == "5.100.0" and "5.30.0" in pinned.reason
    # a machine that can install only some versions (a plugin mirror): the newest it has
    assert provider_schema.for_provider("aws", ">= 5.0", available=["5.100.0"]).version == "5.100.0"
    assert provider_schema.select("aws", "~> 6.0", available=["5.100.0"]).schema is None


def test_no_schema_fits_says_why():
    four = provider_schema.select("hashicorp/aws", "~> 4.0")
    if four.schema is None:  # until aws 4 is shipped
        assert "4.67.0" in four.reason and "no schema of hashicorp/aws 4.x" in four.reason
    seven = provider_schema.select("hashicorp/aws", "~> 7.0")
    assert seven.schema is None and "no shipped schema matches" in seven.reason
    assert provider_schema.select("hashicorp/aws", "latest please").schema is None
    assert provider_schema.for_provider("acme/unheard-of") is None


# -- what a project pins ------------------------------------------------------------------------------------------
_HCL = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = "~> 3.1"
    tls = {
      source = "hashicorp/tls"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}
"""


def test_hcl_required_providers(tmp_path):
    (tmp_path / "versions.tf").write_text(_HCL)
    pins = provider_pins.project_pins(tmp_path)
    aws = pins["hashicorp/aws"][0]
    assert (aws.constraint, aws.via, aws.file, aws.line) == ("~> 5.0", "required_providers", "versions.tf", 3)
    assert pins["hashicorp/random"][0].constraint == "~> 3.1"  # the legacy string form
    assert pins["hashicorp/tls"][0].constraint is None
    selection = provider_pins.project_schema(tmp_path, "aws")
    assert selection.schema.version == "5.100.0" and selection.reason.startswith("versions.tf pins hashicorp/aws ~> 5.0")
    assert provider_pins.project_schema(tmp_path, "hashicorp/tls").schema.major == 4


def test_lock_file_wins_and_provider_block_version(tmp_path):
    (tmp_path / "main.tf").write_text('provider "aws" {\n  version = "~> 6.0"\n}\n')
    assert provider_pins.provider_pin(tmp_path, "aws").via == "provider block"
    (tmp_path / ".terraform.lock.hcl").write_text(
        'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.100.0"\n  constraints = "~> 5.0"\n}\n'
    )
    pin = provider_pins.provider_pin(tmp_path, "aws")
    assert (pin.via, pin.constraint) == ("lock file", "5.100.0")
    assert provider_pins.project_schema(tmp_path).schema.version == "5.100.0"


def test_unpinned_hcl_project_gets_the_newest_release(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    assert provider_pins.provider_pin(tmp_path, "aws") is None
    assert provider_pins.project_schema(tmp_path).schema.major == 6


def test_prebuilt_package_pins_map_to_provider_versions(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@cdktf/provider-aws": "^19.0.0", "cdktf": "^0.21.0"}}))
    pin = provider_pins.provider_pin(tmp_path, "aws")
    assert (pin.via, pin.package_major, pin.declared) == ("package.json", 19, "@cdktf/provider-aws ^19.0.0")
    assert provider_pins.project_schema(tmp_path).schema.major == 5  # 19.x was built from aws 5.31.0-5.99.1
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@cdktf/provider-aws": "21.22.1"}}))
    assert provider_pins.project_schema(tmp_path).schema.major == 6


@pytest.mark.parametrize(
    "name, text, major",
    [
        ("requirements.txt", "cdktf==0.21.0\ncdktf-cdktf-provider-aws==19.40.0\n", 19),
        ("requirements.txt", "cdktf_cdktf_provider_aws>=19,<20\n", 19),
        ("Pipfile", '[packages]\ncdktf-cdktf-provider-aws = "~=21.0"\n', 21),
        ("Pipfile", '[packages]\ncdktf-cdktf-provider-aws = {version = "==20.1.0"}\n', 20),
        ("pyproject.toml", '[project]\ndependencies = ["cdktf-cdktf-provider-aws>=16.0.0,<17"]\n', 16),
    ],
)
def test_python_package_pins(tmp_path, name, text, major):
    (tmp_path / name).write_text(text)
    pin = provider_pins.provider_pin(tmp_path, "aws")
    assert pin.via == name and pin.package_major == major


def test_cdk_terrain_package_pins(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@cdktn/provider-aws": "^25.0.0"}}))
    assert provider_pins.project_schema(tmp_path).schema.major == 6
    (tmp_path / "package.json").unlink()
    (tmp_path / "requirements.txt").write_text("cdktn-provider-random~=15.0\n")
    pin = provider_pins.provider_pin(tmp_path, "random")
    assert (pin.package_major, pin.declared) == (15, "cdktn-provider-random ~=15.0") and pin.constraint.startswith(">= 3.")


def test_cdktf_json_providers(tmp_path):
    (tmp_path / "cdktf.json").write_text(json.dumps({"terraformProviders": ["aws@~> 5.0", {"name": "random", "version": "~> 3.5"}]}))
    pins = provider_pins.project_pins(tmp_path)
    assert pins["hashicorp/aws"][0].constraint == "~> 5.0" and pins["hashicorp/random"][0].constraint == "~> 3.5"
    assert provider_pins.project_schema(tmp_path).schema.major == 5
    # cdktf.json names what `cdktf get` generates local bindings from: no prebuilt package pin
    assert schema.project_provider_version(tmp_path) is None


def test_pins_of_a_markdown_answer_are_read_from_its_texts(tmp_path):
    texts = {"main.tf": _HCL.replace("~> 5.0", ">= 4.0, < 5.0"), "modules/x/main.tf": _HCL}
    pin = provider_pins.provider_pin(tmp_path / "nowhere", "aws", texts=texts)
    assert pin.constraint == ">= 4.0, < 5.0" and pin.file == "main.tf"


# -- the generators (no network) ---------------------------------------------------------------------------------
def test_terraform_schema_output_is_compact_and_deterministic(tmp_path):
    gen = _script("gen_terraform_schema")
    raw = {
        "provider": {"block": {"attributes": {"region": {"type": "string", "description": "x", "optional": True}}}},
        "resource_schemas": {"demo_thing": {"block": {
            "attributes": {"id": {"type": "string", "computed": True}, "old": {"type": "bool", "optional": True, "deprecated": True},
                           "nested": {"nested_type": {"nesting_mode": "list", "attributes": {"a": {"type": "number", "required": True}}}, "optional": True}},
            "block_types": {"rule": {"nesting_mode": "set", "min_items": 1, "block": {"attributes": {"x": {"type": ["list", "string"], "required": True}}}}},
        }}},
    }
    header, lines = gen.from_provider_json("registry.terraform.io/acme/demo", "1.2.3", raw, {"kind": "terraform"})
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    gen.write(header, lines, first)
    gen.write(header, list(reversed(lines)), second)
    assert first.read_bytes() == second.read_bytes()
    text = gzip.decompress(first.read_bytes()).decode()
    assert "description" not in text
    block = json.loads(text.splitlines()[2])[2]
    assert block["a"]["old"] == ["bool", "od"] and block["b"]["rule"][:3] == ["set", 1, 0]
    # read back through the loader's parser
    parsed = provider_schema._block(block)
    assert parsed.attribute("nested").nested.nesting == "list" and str(parsed.attribute("nested").type) == "list(object({a=number}))"
    assert parsed.block_type("rule").required and parsed.block_type("rule").max_items is None
    # a schema over DEFERRED_OVER goes to a second gzip member that the loader reads on demand
    gen.DEFERRED_OVER = 100
    gen.write(header, lines, second)
    assert gzip.decompress(second.read_bytes()) == gzip.decompress(first.read_bytes()).replace(b'"deferred":[]', b'"deferred":[["resource","demo_thing"]]')


def test_derivation_reads_the_generated_code():
    derive = _script("cdktf_derive")
    js = '''\
function demoThingRuleToHclTerraform(struct) {
    const attrs = {
        x: {
            value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct.x),
            isBlock: false,
            type: "set",
            storageClassType: "stringList",
        },
    };
}
class DemoThing extends cdktf.TerraformResource {
    get arn() {
        return this.getStringAttribute('arn');
    }
    synthesizeHclAttributes() {
        const attrs = {
            rule: {
                value: cdktf.listMapperHcl(demoThingRuleToHclTerraform, true)(this._rule.internalValue),
                isBlock: true,
                type: "list",
                storageClassType: "DemoThingRuleList",
            },
        };
    }
}
'''
    code = derive.ModuleCode.read(js, "export class DemoThing extends cdktf.TerraformResource {\n  // arn - computed: true, optional: false, required: false\n}\n")
    assert code.hcl["DemoThingRule"]["x"].shape == "set" and code.hcl["DemoThing"]["rule"].struct == "DemoThingRule"
    assert code.getters["DemoThing"] == {"arn": "arn"} and code.getter_types["DemoThing"]["arn"] == "string"
    assert code.flags["DemoThing"]["arn"] == (True, False, False)
    assert derive._storage_type("stringMapList") == ["list", ["map", "string"]]
