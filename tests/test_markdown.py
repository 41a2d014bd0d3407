"""Markdown answers: their named code blocks are a project; only the blocks' text changes."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from iacfix.cli import app
from iacfix.markdown import assign_names, split_blocks

runner = CliRunner()

ANSWER = textwrap.dedent(
    """\
    # The service

    Some prose that must survive.

    ### `provider.tf`

    ```hcl
    terraform {
      backend "s3" {
        bucket       = "b"
        use_lockfile = true
      }
    }
    ```

    **Path:** `lib/ecs.tf`
    ```terraform
    resource "aws_ecs_service" "app" {
      name = "app"
    }
    ```

    ```bash
    terraform init
    ```
    """
)


def names(markdown):
    blocks = split_blocks(markdown)
    notes = assign_names(blocks)
    return [(b.name, b.language, b.truncated) for b in blocks], [n for _, n in notes]


def test_blocks_are_named_by_heading_bold_line_comment_or_colon_sentence():
    markdown = textwrap.dedent(
        """\
        ## lib/tap-stack.ts
        ```typescript
        const a = 1;
        ```
        Now `lib/util.py`:

        ```python
        x = 1
        ```
        ```ts
        // bin/tap.ts
        const b = 2;
        ```
        ```hcl
        # main.tf - the network
        locals {}
        ```
        """
    )
    blocks, notes = names(markdown)
    assert blocks == [
        ("lib/tap-stack.ts", "typescript", False),
        ("lib/util.py", "python", False),
        ("bin/tap.ts", "typescript", False),
        ("main.tf", "hcl", False),
    ]
    assert notes == []


def test_unnamed_revised_and_cut_off_blocks():
    markdown = "Here:\n```hcl\nlocals {}\n```\n### main.tf\n```hcl\nlocals {}\n```\n### main.tf\n```hcl\nlocals { a = 1 }\n```\n```python\nx = (\n"
    blocks, notes = names(markdown)
    assert blocks == [
        ("block-1.tf", "hcl", False),
        ("main.tf", None, False),  # an earlier version: only the last is repaired
        ("main.tf", "hcl", False),
        ("block-4.py", "python", True),
    ]
    assert notes == ["unnamed ```hcl block read as block-1.tf", "an earlier version of main.tf: only the last one is repaired"]


def test_indented_fence_content_is_dedented_and_restored():
    markdown = "1. step\n\n   ```hcl\n   locals {}\n\n   ```\n"
    [block] = split_blocks(markdown)
    assert block.content(markdown) == "locals {}\n\n"
    assert block.render("locals {\n}\n\n") == "   locals {\n   }\n\n"


@pytest.fixture
def answer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answer.md").write_text(ANSWER)
    return tmp_path / "answer.md"


def test_dry_run_shows_the_markdown_diff_and_findings_at_answer_lines(answer):
    result = runner.invoke(app, ["answer.md", "--terraform-version", "1.9.0", "--ignore", "TF102"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "answer.md:11:5: TF101 `use_lockfile` on the S3 backend needs Terraform >= 1.10 and fails `terraform init` "
        "before; removed (the target is Terraform 1.9.0 (from --terraform-version))",
        "answer.md:18:1: ECS101 ECS service `app` has no desired count, so it runs 0 tasks (the provider default); "
        "set to 2 (two tasks for availability)",
    ]
    assert result.stdout.startswith("diff --git a/answer.md b/answer.md\n")


def test_write_changes_only_block_text_and_a_second_run_is_clean(answer):
    assert runner.invoke(app, ["answer.md", "--terraform-version", "1.9.0", "--ignore", "TF102", "--write"]).exit_code == 0
    expected = ANSWER.replace("    bucket       = \"b\"\n    use_lockfile = true\n", '    bucket = "b"\n').replace(
        '  name = "app"\n', '  name          = "app"\n  desired_count = 2\n'
    )
    assert answer.read_text() == expected
    again = runner.invoke(app, ["answer.md", "--terraform-version", "1.9.0", "--ignore", "TF102"])
    assert (again.exit_code, again.stdout) == (0, "")


def test_crlf_answer_stays_crlf(answer):
    answer.write_bytes(ANSWER.replace("\n", "\r\n").encode())
    assert runner.invoke(app, ["answer.md", "--terraform-version", "1.9.0", "--ignore", "TF102", "--write"]).exit_code == 0
    data = answer.read_bytes()
    assert b"desired_count = 2\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_cut_off_block_is_reported_not_guessed(answer):
    answer.write_text(ANSWER + "### outputs.tf\n```hcl\noutput \"x\" {\n  value = aws_ecs_service.app.\n")
    result = runner.invoke(app, ["answer.md", "--check", "--terraform-version", "1.9.0"])
    assert result.exit_code == 2
    assert "answer.md:27: error: the ```hcl block outputs.tf is cut off (its fence is never closed): not repaired" in result.stderr
    assert "ECS101" in result.stderr  # the rest of the answer is still repaired


def test_a_block_that_does_not_parse_is_reported_at_its_answer_line(answer):
    answer.write_text(ANSWER + "### bad.tf\n```hcl\nlocals {\n  a = \n}\n```\n")
    result = runner.invoke(app, ["answer.md", "--check"])
    assert result.exit_code == 2
    assert "answer.md:29: error: bad.tf: syntax error: unexpected '}'\n" in result.stderr


def test_extract_writes_the_repaired_tree(answer, tmp_path):
    result = runner.invoke(app, ["answer.md", "--terraform-version", "1.9.0", "--extract", "out"])
    assert result.exit_code == 1
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.tf")) == [
        "lib/ecs.tf",
        "provider.tf",
    ]
    assert "desired_count = 2" in (tmp_path / "out/lib/ecs.tf").read_text()
    assert answer.read_text() == ANSWER  # the answer itself is untouched without --write


def test_cdktf_blocks_of_both_languages_go_through_their_backends(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(
        "## lib/cache.ts\n```typescript\n"
        "import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';\n"
        "new ElasticacheReplicationGroup(this, 'r', { replicationGroupId: 'r', description: 'r', atRestEncryptionEnabled: true });\n```\n"
        "## lib/cache.py\n```python\n"
        "from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup\n"
        'ElasticacheReplicationGroup(self, "r", replication_group_id="r", description="r", at_rest_encryption_enabled=True)\n```\n'
    )
    result = runner.invoke(app, ["a.md", "--write"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "a.md").read_text()
    assert "atRestEncryptionEnabled: 'true'" in text and 'at_rest_encryption_enabled="true"' in text


# -- a fix that creates a file: a new block of the answer ------------------------------------------

TASK_ANSWER = textwrap.dedent(
    """\
    Here is the stack.

    ## main.tf

    ```hcl
    terraform {
      required_providers {
        aws = { source = "hashicorp/aws" }
      }
    }

    # the deployment region
    provider "aws" {
      region = var.aws_region
    }

    resource "aws_sqs_queue" "jobs" {
      name = "jobs"
    }
    ```

    ## modules/queue/versions.tf

    ```hcl
    terraform {
      required_providers {
        aws = { source = "hashicorp/aws" }
      }
    }
    ```

    Deploy it with `terraform apply`.
    """
)


@pytest.fixture
def task(tmp_path, monkeypatch):
    """A task folder of the pipeline: metadata.json, the pipeline's lib/provider.tf, an answer."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "metadata.json").write_text('{"platform": "tf", "language": "hcl"}')
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "provider.tf").write_text('provider "aws" {\n  region = var.aws_region\n}\n')
    (tmp_path / "lib" / "MODEL_RESPONSE.md").write_text(TASK_ANSWER)
    return tmp_path / "lib" / "MODEL_RESPONSE.md"


def test_an_answer_in_its_task_folder_gains_a_provider_tf_block_with_its_provider_blocks(task):
    result = runner.invoke(app, ["--select", "TF105", str(task)])
    assert 'lib/MODEL_RESPONSE.md:6:1: TF105 the terraform block and provider "aws" belong in provider.tf: moved there' in result.stderr
    assert runner.invoke(app, ["--write", "--select", "TF105", str(task)]).exit_code == 0
    text = task.read_text()
    assert text.startswith("Here is the stack.\n\n## main.tf\n\n```hcl\nresource \"aws_sqs_queue\" \"jobs\" {")
    # after the answer's last Terraform block, named by a bold line; the prose after it stays
    assert text.endswith(
        "```\n\n**provider.tf**\n\n```hcl\nterraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n"
        "  }\n}\n\n# the deployment region\nprovider \"aws\" {\n  region = var.aws_region\n}\n```\n\n"
        "Deploy it with `terraform apply`.\n"
    )
    # a child module's own terraform block stays in its folder
    assert "## modules/queue/versions.tf\n\n```hcl\nterraform {" in text
    names = [b.name for b in split_blocks(text)]
    assert names == ["main.tf", "modules/queue/versions.tf", "provider.tf"]
    again = runner.invoke(app, ["--check", "--select", "TF105", str(task)])
    assert again.exit_code == 0, again.stderr


def test_outside_a_task_folder_the_answer_keeps_its_layout_unless_configured(task):
    (task.parent.parent / "metadata.json").unlink()  # not a task folder: no pipeline convention
    assert runner.invoke(app, ["--check", "--select", "TF105", str(task)]).exit_code == 0
    result = runner.invoke(app, ["--check", "--select", "TF105", "--conventions", "pipeline", str(task)])
    assert result.exit_code == 1 and "moved there" in result.stderr


def test_extract_writes_a_created_block_only_once_a_fix_wrote_it(task, tmp_path):
    runner.invoke(app, ["--select", "TF105", "--extract", str(tmp_path / "out"), str(task)])
    assert (tmp_path / "out" / "provider.tf").read_text().startswith("terraform {")
    runner.invoke(app, ["--check", "--select", "TF105", "--extract", str(tmp_path / "as-written"), str(task)])
    assert not (tmp_path / "as-written" / "provider.tf").exists()


def test_the_terraform_blocks_of_a_cdktf_answer_stay_where_they_are(task):
    task.write_text(TASK_ANSWER + "\n## lib/tap-stack.ts\n\n```typescript\nimport { TerraformStack } from 'cdktf';\n```\n")
    assert runner.invoke(app, ["--check", "--select", "TF105", str(task)]).exit_code == 0


def test_in_an_answer_cut_off_inside_a_block_the_new_block_goes_before_that_block(task):
    cut = '```hcl\nresource "aws_sqs_queue" "cut" {\n  name ='
    task.write_text(TASK_ANSWER + "\n" + cut)
    runner.invoke(app, ["--write", "--select", "TF105", str(task)])  # exit 2: the cut-off block is an error
    text = task.read_text()
    assert text.startswith(TASK_ANSWER.split("```hcl\nterraform {")[0])
    assert text.endswith("Deploy it with `terraform apply`.\n\n**provider.tf**\n\n```hcl\nterraform {\n" + text.split("**provider.tf**\n\n```hcl\nterraform {\n")[1].split("```\n")[0] + "```\n\n" + cut)
    blocks = split_blocks(text)
    assert [b.name for b in blocks if not b.truncated] == ["main.tf", "modules/queue/versions.tf", "provider.tf"]


def test_an_unnamed_block_of_values_only_is_a_tfvars_file_no_fix_writes_into(tmp_path, monkeypatch):
    # The validity sweep found IAM102 writing `data "aws_caller_identity"` and a reference into an
    # answer's terraform.tfvars (read as block-2.tf): a values file can hold neither.
    monkeypatch.chdir(tmp_path)
    values = 'aws_region = "us-east-1"\nalarm_topic = "arn:aws:sns:us-east-1:123456789012:alerts"\ntags = {\n  team = "x"\n}\n'
    answer = "## main.tf\n```hcl\nvariable \"aws_region\" {}\n```\n\nSet the values:\n```hcl\n" + values + "```\n"
    (tmp_path / "answer.md").write_text(answer)
    result = runner.invoke(app, ["answer.md", "--check"])
    assert "answer.md:7: note: unnamed ```hcl block of values only taken for a .tfvars file: not read" in result.stderr
    assert "IAM102" not in result.stderr
    assert runner.invoke(app, ["answer.md", "--write"]).exit_code in (0, 1)
    assert (tmp_path / "answer.md").read_text() == answer
    blocks = split_blocks(answer)
    assert [(b.name, b.language) for b in blocks] == [("main.tf", "hcl"), ("block-2.tfvars", None)]
