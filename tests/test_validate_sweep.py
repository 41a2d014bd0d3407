"""bench/validate_sweep.py and bench/tfcheck.py: the Terraform validity sweep's own logic (how it
reads terraform's verdicts, relaxes what cannot init offline, finds root modules) and, where
terraform and the aws mirror are installed, terraform itself on a few configurations."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
try:
    import tfcheck
    import validate_sweep
finally:
    sys.path.remove(str(REPO / "bench"))

BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


# -- without terraform ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [("5.100.0", "~> 5.0", True), ("5.100.0", "~> 4.0", False), ("5.100.0", ">= 4.0, < 6.0", True), ("5.100.0", "~> 5.31.0", False), ("1.11.4", ">= 1.12", False), ("1.11.4", "~> 1.5", True)],
)
def test_version_constraints(version, constraint, expected):
    assert tfcheck.satisfies(version, constraint) is expected


def test_relax_stands_in_for_other_providers_and_registry_modules(tmp_path):
    write(tmp_path / "src", {"main.tf": """terraform {
  required_version = ">= 1.99"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 4.0" }
    random = { source = "hashicorp/random" }
  }
}

provider "random" {}

resource "random_id" "suffix" {
  keepers = { brace = "}" }
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}

resource "aws_s3_bucket" "logs" {
  bucket     = "logs-${random_id.suffix.hex}"
  tags       = { vpc = module.vpc.vpc_id }
  depends_on = [module.vpc, random_id.suffix]
}
"""})
    notes = tfcheck.relax(tmp_path / "src", tmp_path / "out")
    text = (tmp_path / "out" / "main.tf").read_text()
    assert 'resource "terraform_data" "random_id__suffix" {}' in text
    assert 'bucket     = "logs-${terraform_data.random_id__suffix.output.hex}"' in text
    assert "tags       = { vpc = terraform_data.module__vpc.output.vpc_id }" in text
    assert "depends_on = [terraform_data.module__vpc, terraform_data.random_id__suffix]" in text
    assert 'provider "random"' not in text and "required_version" not in text and "~> 4.0" not in text
    assert 'aws    = { source = "hashicorp/aws" }' in text
    assert tfcheck.blocking(notes, "1.11.4") == ["aws ~> 4.0", "provider random", "registry or git module", "terraform >= 1.99"]
    assert (tmp_path / "src" / "main.tf").read_text().count("random_id.suffix.hex") == 1  # the source is left alone


def test_relax_keeps_a_local_module_and_what_needs_nothing(tmp_path):
    write(tmp_path / "src", {"main.tf": 'module "net" {\n  source = "./modules/net"\n}\n' + BUCKET, "modules/net/main.tf": BUCKET})
    assert tfcheck.relax(tmp_path / "src", tmp_path / "out") == []
    assert (tmp_path / "out" / "main.tf").read_text() == (tmp_path / "src" / "main.tf").read_text()


def test_roots_are_the_folders_no_module_block_calls(tmp_path):
    write(tmp_path, {
        "envs/prod/main.tf": 'module "app" {\n  source = "../../modules/app"\n}\n',
        "envs/dev/main.tf": 'module "app" {\n  source = "../../modules/app"\n}\n',
        "modules/app/main.tf": BUCKET,
    })
    assert validate_sweep.roots(tmp_path) == ["envs/dev", "envs/prod"]


def test_a_values_only_unnamed_block_is_read_as_tfvars(tmp_path):
    write(tmp_path, {"block-2.tf": BUCKET, "block-6.tf": '# values\nenvironment = "prod"\nsubnets = [\n  "a",\n]\n'})
    assert validate_sweep._tfvars_blocks(tmp_path) == ["block-6.tf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["block-2.tf", "block-6.tfvars"]


def test_the_blocks_read_as_tfvars_before_are_renamed_after_whatever_a_fix_made_of_them(tmp_path):
    write(tmp_path, {"block-6.tf": 'data "aws_caller_identity" "current" {}\n\narn = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"\n'})
    assert validate_sweep._tfvars_blocks(tmp_path) == []
    assert validate_sweep._tfvars_blocks(tmp_path, ["block-6.tf"]) == ["block-6.tf"]


def test_layout_only_differences_share_a_verdict_and_others_do_not(tmp_path):
    a = write(tmp_path / "a", {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  force_destroy = true\n}\n'})
    b = write(tmp_path / "b", {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket        = "x"\n\n  force_destroy = true\n}\n'})
    c = write(tmp_path / "c", {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x" force_destroy = true\n}\n'})
    assert validate_sweep.content_key(a) == validate_sweep.content_key(b) != validate_sweep.content_key(c)


@pytest.mark.parametrize(
    ("diagnostic", "expected"),
    [
        ({"summary": "Unsupported argument", "detail": 'An argument named "tags" is not expected here.', "context": 'resource "aws_autoscaling_group" "app"'}, ("Unsupported argument", "aws_autoscaling_group", "tags")),
        ({"summary": "Missing required argument", "detail": 'The argument "role" is required, but no definition was found.', "context": 'resource "aws_lambda_function" "f"'}, ("Missing required argument", "aws_lambda_function", "role")),
        ({"summary": "Unsupported block type", "detail": 'Blocks of type "versioning" are not expected here.', "context": 'resource "aws_s3_bucket" "b"'}, ("Unsupported block type", "aws_s3_bucket", "versioning")),
        ({"summary": "Invalid resource type", "detail": 'The provider hashicorp/aws does not support resource type "aws_s3_bucket_acl_v2".', "context": ""}, ("Invalid resource type", "", "aws_s3_bucket_acl_v2")),
        ({"summary": "Invalid function argument", "detail": 'Invalid value for "path" parameter: no file exists at "policy.json"; ...', "context": 'data "aws_iam_policy" "p"'}, ("Invalid function argument: a file the answer does not provide", "data.aws_iam_policy", "")),
    ],
)
def test_diagnostics_are_classified_by_summary_and_what_they_name(diagnostic, expected):
    assert validate_sweep.classify(diagnostic) == expected


# -- with terraform and the aws mirror -----------------------------------------------------------------
needs_terraform = pytest.mark.skipif(not tfcheck.available(), reason=f"terraform or the aws {tfcheck.AWS_VERSION} mirror ({tfcheck.MIRROR}) is absent")


@pytest.fixture(scope="module")
def terraform(tmp_path_factory):
    return tfcheck.Terraform(tmp_path_factory.mktemp("terraform"))


@pytest.mark.toolchain
@needs_terraform
def test_terraform_validates_offline_against_the_mirror(terraform, tmp_path):
    good = terraform.check(write(tmp_path / "good", {"main.tf": BUCKET}))
    bad = terraform.check(write(tmp_path / "bad", {"main.tf": BUCKET.replace('"logs"\n', '"logs"\n  acl_v2 = "private"\n')}))
    assert (good["status"], good["diagnostics"]) == ("valid", [])
    assert bad["status"] == "invalid"
    assert [validate_sweep.classify(d) for d in bad["diagnostics"]] == [("Unsupported argument", "aws_s3_bucket", "acl_v2")]
    assert not (tmp_path / "good" / ".terraform").exists()  # the shared install is unlinked again


@pytest.mark.toolchain
@needs_terraform
def test_what_cannot_init_offline_is_validated_in_a_relaxed_copy(terraform, tmp_path):
    folder = write(tmp_path / "answer", {"main.tf": 'resource "random_id" "s" {\n  byte_length = 4\n}\n\n'
                                          'resource "aws_s3_bucket" "logs" {\n  bucket = "logs-${random_id.s.hex}"\n  versioning = true\n}\n'})
    strict = validate_sweep.check_variant(terraform, folder, "strict", work=tmp_path)
    relaxed = validate_sweep.check_variant(terraform, folder, "relaxed", work=tmp_path)
    assert (strict["status"], strict["init_failures"]) == ("cannot-init", ["provider random"])
    assert relaxed["status"] == "invalid" and relaxed["notes"] == ["stand-in random_id.s"]
    assert [validate_sweep.classify(d) for d in relaxed["diagnostics"]] == [("Unsupported argument", "aws_s3_bucket", "versioning")]


@pytest.mark.toolchain
@needs_terraform
def test_the_terraform_sample_is_invalid_as_written_and_valid_once_fixed(terraform, tmp_path):
    # Both need hashicorp/random, which the mirror lacks: validated relaxed (a stand-in for it).
    verdicts = {}
    for name in ("terraform", "fixed/terraform"):
        shutil.copytree(REPO / "samples" / name, tmp_path / name)
        strict = validate_sweep.check_variant(terraform, tmp_path / name, "strict", work=tmp_path / "work")
        assert (strict["status"], strict["init_failures"]) == ("cannot-init", ["provider random"])
        verdicts[name] = validate_sweep.check_variant(terraform, tmp_path / name, "relaxed", work=tmp_path / "work")
    assert [(d["file"], d["summary"]) for d in verdicts["terraform"]["diagnostics"]] == [("provider.tf", "Duplicate provider configuration")]
    assert (verdicts["fixed/terraform"]["status"], verdicts["fixed/terraform"]["diagnostics"]) == ("valid", [])


@pytest.mark.toolchain
@needs_terraform
def test_a_batch_stopped_by_one_member_does_not_pass_the_others(terraform, tmp_path):
    # A module call without a required argument stops validate before it looks at any resource:
    # the other members' errors are then missing from the batch's output, not absent.
    stopper = write(tmp_path / "stopper", {"main.tf": 'module "net" {\n  source = "./net"\n}\n', "net/main.tf": 'variable "cidr" {\n  type = string\n}\n'})
    broken = write(tmp_path / "broken", {"main.tf": BUCKET.replace('"logs"\n', '"logs"\n  acl_v2 = "private"\n')})
    fine = write(tmp_path / "fine", {"main.tf": BUCKET})
    verdicts = terraform.check_batch({"stopper": stopper, "broken": broken, "fine": fine}, tmp_path / "batch")
    assert {m: v["status"] for m, v in verdicts.items()} == {"stopper": "invalid", "broken": "invalid", "fine": "valid"}
    assert [validate_sweep.classify(d) for d in verdicts["stopper"]["diagnostics"]] == [("Missing required argument", "module block", "cidr")]
    assert [validate_sweep.classify(d) for d in verdicts["broken"]["diagnostics"]] == [("Unsupported argument", "aws_s3_bucket", "acl_v2")]
