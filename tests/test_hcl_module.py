"""A Terraform module read as a whole: rules resolve variables across its .tf files, and a fix
that declares a variable writes it to variables.tf, creating that file when needed (a new file
in the diff, `--- /dev/null`, and on disk with --write)."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest
from typer.testing import CliRunner

from iacfix import engine
from iacfix.backends.hcl_format import FmtCache
from iacfix.cli import app
from iacfix.diff import unified_diff
from iacfix.rules import all_rules

RULES = {r.code: r for r in all_rules()}
runner = CliRunner()

PROVIDER = 'provider "aws" {\n  region = var.aws_region\n}\n'
DECLARED = """\
variable "aws_region" {
  description = "AWS region to deploy into"
  type        = string
  default     = "us-east-1"
}
"""


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IACFIX_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.setattr(FmtCache, "_instances", {})


def module(root, **files):
    root.mkdir(exist_ok=True)
    for name, text in files.items():
        (root / name.replace("__", ".")).write_text(text)
    return root


def run(root, *codes):
    return engine.run([root], engine.Options(), cwd=root.parent, rules=[RULES[c] for c in codes])


def test_a_declared_variable_goes_to_a_new_variables_tf(tmp_path):
    root = module(tmp_path / "m", provider__tf=PROVIDER)
    result = run(root, "TF103")
    [(source, text)] = result.changes()
    assert source.path == root / "variables.tf" and text == DECLARED
    assert source.display == "m/variables.tf"
    assert unified_diff(source.display, source.restore(source.text), source.restore(text)).startswith(
        "diff --git a/m/variables.tf b/m/variables.tf\nnew file mode 100644\n--- /dev/null\n+++ b/m/variables.tf\n@@ -0,0 +1,5 @@\n"
    )


def test_the_new_file_diff_applies_and_write_creates_it(tmp_path, monkeypatch):
    root = module(tmp_path / "m", provider__tf=PROVIDER)
    monkeypatch.chdir(tmp_path)
    diff = runner.invoke(app, ["m", "--select", "TF103"]).stdout
    assert "--- /dev/null\n+++ b/m/variables.tf\n" in diff
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "--check", "-"], cwd=tmp_path, input=diff, text=True, check=True)

    result = runner.invoke(app, ["m", "--select", "TF103", "--write"])
    assert result.exit_code == 0, result.stderr
    assert (root / "variables.tf").read_text() == DECLARED
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((root / "variables.tf").stat().st_mode) == 0o666 & ~umask
    again = runner.invoke(app, ["m", "--select", "TF103"])
    assert (again.exit_code, again.stdout) == (0, "")


def test_an_existing_variables_tf_gets_the_variable_at_its_end(tmp_path):
    root = module(tmp_path / "m", provider__tf=PROVIDER, variables__tf='variable "env" {\n  type = string\n}\n')
    [(source, text)] = run(root, "TF103").changes()
    assert source.path.name == "variables.tf"
    assert text == 'variable "env" {\n  type = string\n}\n\n' + DECLARED


def test_a_variable_declared_in_any_file_of_the_module_counts(tmp_path):
    root = module(tmp_path / "m", provider__tf=PROVIDER, network__tf=DECLARED)
    result = run(root, "TF103")
    assert result.findings == [] and result.changes() == []


def test_the_pipeline_region_file_gives_the_default(tmp_path):
    root = module(tmp_path / "m", provider__tf=PROVIDER, AWS_REGION="eu-central-1\n")
    [(_, text)] = run(root, "TF103").changes()
    assert 'default     = "eu-central-1"' in text


def test_two_rules_adding_to_one_new_file(tmp_path):
    """TF103 creates variables.tf, TF104 (a later rule) finds it and appends to it."""
    root = module(
        tmp_path / "m",
        provider__tf='provider "aws" {\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias  = "b"\n  region = var.region_b\n}\n',
        AWS_REGION="us-west-2\n",  # the pipeline's region, not the provider's
    )
    changes = dict((s.path.name, t) for s, t in run(root, "TF103", "TF104").changes())
    assert changes["provider.tf"].startswith('provider "aws" {\n  region = var.aws_region\n}\n')
    assert changes["variables.tf"] == (
        'variable "region_b" {\n  description = "AWS region to deploy into"\n  type        = string\n'
        '  default     = "us-west-2"\n}\n\n'
        'variable "aws_region" {\n  description = "AWS region to deploy into"\n  type        = string\n'
        '  default     = "us-west-2"\n}\n'
    )


def test_a_markdown_answer_gets_the_variable_in_the_block_of_the_provider(tmp_path):
    answer = tmp_path / "answer.md"
    answer.write_text("## provider.tf\n\n```hcl\n" + PROVIDER + "```\n")
    result = engine.run([answer], engine.Options(), cwd=tmp_path, rules=[RULES["TF103"]])
    [(source, text)] = result.changes()
    assert source.path == answer
    assert text == "## provider.tf\n\n```hcl\n" + PROVIDER + "\n" + DECLARED + "```\n"
    assert not (tmp_path / "variables.tf").exists() and not (tmp_path / "answer.md.d").exists()


def test_a_new_file_nobody_writes_into_is_not_reported(tmp_path):
    root = module(tmp_path / "m", main__tf='resource "a" "b" {}\n')
    ws, _ = engine.load([root], tmp_path)
    ws.create_file(root / "variables.tf", "hcl", "m/variables.tf")
    assert ws.changed() == []


def test_a_literal_region_that_agrees_with_the_pipeline_is_left(tmp_path):
    root = module(tmp_path / "m", provider__tf='provider "aws" {\n  region = "us-west-2"\n}\n', AWS_REGION="us-west-2\n")
    assert run(root, "TF104").findings == []


# A markdown answer is one project, but blocks named into other folders are other Terraform modules
# (the validity sweep found variables declared in the root for references in modules/tap_stack).
CHILD_VARIABLES = 'variable "name" {\n  type = string\n}\n'


def test_in_a_markdown_answer_the_variable_goes_in_the_folder_of_the_file_that_needs_it(tmp_path):
    answer = tmp_path / "answer.md"
    before = "## provider.tf\n\n```hcl\n" + PROVIDER + "```\n\n## modules/app/variables.tf\n\n```hcl\n" + CHILD_VARIABLES + "```\n"
    answer.write_text(before)
    result = engine.run([answer], engine.Options(), cwd=tmp_path, rules=[RULES["TF103"]])
    [(source, text)] = result.changes()
    assert text == (
        "## provider.tf\n\n```hcl\n" + PROVIDER + "\n" + DECLARED + "```\n\n## modules/app/variables.tf\n\n```hcl\n" + CHILD_VARIABLES + "```\n"
    )


def test_a_variable_of_a_child_folder_does_not_declare_it_in_the_root_of_a_markdown_answer(tmp_path):
    answer = tmp_path / "answer.md"
    child = DECLARED.replace("us-east-1", "eu-west-1")
    answer.write_text("## provider.tf\n\n```hcl\n" + PROVIDER + "```\n\n## modules/app/variables.tf\n\n```hcl\n" + child + "```\n")
    result = engine.run([answer], engine.Options(), cwd=tmp_path, rules=[RULES["TF103"]])
    [(source, text)] = result.changes()
    assert text.startswith("## provider.tf\n\n```hcl\n" + PROVIDER + "\n" + DECLARED + "```\n")


def test_tf106_leaves_the_names_of_a_child_folder_of_a_markdown_answer_to_its_caller(tmp_path):
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "unit.test.ts").write_text("const environmentSuffix = process.env.ENVIRONMENT_SUFFIX;\n")
    answer = tmp_path / "answer.md"
    root = 'provider "aws" {}\n\nmodule "app" {\n  source = "./modules/app"\n}\n'
    child = 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'
    answer.write_text("## main.tf\n\n```hcl\n" + root + "```\n\n## modules/app/main.tf\n\n```hcl\n" + child + "```\n")
    result = engine.run([answer], engine.Options(unsafe_fixes=True), cwd=tmp_path, rules=[RULES["TF106"]])
    assert [f.code for f in result.findings] == [] and result.changes() == []
    # the same queue in the root's folder is suffixed, and the variable declared beside it
    answer.write_text("## main.tf\n\n```hcl\n" + root + "\n" + child + "```\n")
    result = engine.run([answer], engine.Options(unsafe_fixes=True), cwd=tmp_path, rules=[RULES["TF106"]])
    [(source, text)] = result.changes()
    assert 'name = "jobs-${var.environment_suffix}"' in text and 'variable "environment_suffix"' in text


def test_an_answer_in_lib_naming_its_files_from_the_repository_is_one_folder(tmp_path):
    # lib/MODEL_RESPONSE.md: `lib/variables.tf` and `provider.tf` (where TF105 moves the provider) are one module
    lib = tmp_path / "lib"
    lib.mkdir()
    answer = lib / "MODEL_RESPONSE.md"
    answer.write_text("## provider.tf\n\n```hcl\n" + PROVIDER + "```\n\n## lib/variables.tf\n\n```hcl\n" + DECLARED + "```\n")
    result = engine.run([answer], engine.Options(), cwd=tmp_path, rules=[RULES["TF103"]])
    assert result.findings == [] and result.changes() == []
