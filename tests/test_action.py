"""action.yml: its shape, and its scripts run here as the runner would run them (bash, the inputs in
env, GITHUB_OUTPUT and RUNNER_TEMP set), with the iacfix of this checkout on PATH."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, SAMPLES
from test_output import SCHEMA

yaml = pytest.importorskip("yaml")  # installed with pre-commit, a test dependency

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
STEPS = {step.get("id") or step.get("name") or step.get("uses"): step for step in ACTION["runs"]["steps"]}


def test_every_input_used_is_declared_and_no_script_interpolates():
    assert ACTION["name"] and ACTION["description"] and ACTION["runs"]["using"] == "composite"
    assert all(spec.get("description") for spec in [*ACTION["inputs"].values(), *ACTION["outputs"].values()])
    text = (REPO / "action.yml").read_text()
    assert set(re.findall(r"inputs\.([\w-]+)", text)) <= set(ACTION["inputs"])
    for step in ACTION["runs"]["steps"]:
        # ${{ }} in a script is pasted in before bash parses it: a crafted input would be code
        assert "${{" not in step.get("run", ""), step["name"]
        assert ("run" in step) == ("shell" in step)  # a composite step's script needs a shell


def _run(step: dict, tmp_path: Path, env: dict[str, str], cwd: Path) -> tuple[subprocess.CompletedProcess, dict]:
    output = tmp_path / "github_output"
    output.touch()
    environ = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # this checkout's iacfix
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        **env,
    }
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=environ, capture_output=True, text=True, check=False)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc, outputs


def test_the_check_step_writes_sarif_annotations_and_the_job_summary(tmp_path):
    summary = tmp_path / "step_summary.md"
    env = {"IACFIX_PATHS": "terraform", "IACFIX_ARGS": "--select ECS101", "ANNOTATIONS": "true", "SUMMARY": "true"}
    proc, outputs = _run(STEPS["check"], tmp_path, {**env, "GITHUB_STEP_SUMMARY": str(summary)}, SAMPLES)
    assert proc.returncode == 0, proc.stderr  # the step records the exit code; a later one fails
    assert outputs == {"exit-code": "1", "sarif-file": str(tmp_path / "iacfix.sarif")}
    log = json.loads((tmp_path / "iacfix.sarif").read_text())
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["ECS101"]
    assert proc.stdout.startswith("::error file=terraform/ecs.tf,line=55,col=1,title=iacfix ECS101")  # it runs no tasks
    text = summary.read_text()
    assert text.startswith("### iacfix: 1 finding (1 fixable)\n")
    assert "| [ECS101](https://github.com/OWNER/iacfix/blob/v0.1.0/docs/rules/ECS101.md) | 1 | 1 | An ECS service without" in text
    assert "| `terraform/ecs.tf:55` | ECS101 | ECS service `app` has no desired count" in text


def test_no_summary_when_turned_off(tmp_path):
    summary = tmp_path / "step_summary.md"
    env = {"IACFIX_PATHS": "terraform", "IACFIX_ARGS": "--select ECS101", "ANNOTATIONS": "false", "SUMMARY": "false"}
    proc, _ = _run(STEPS["check"], tmp_path, {**env, "GITHUB_STEP_SUMMARY": str(summary)}, SAMPLES)
    assert proc.returncode == 0 and proc.stdout == "" and not summary.exists()


def test_a_failed_upload_skips_neither_the_bot_nor_the_verdict():
    for name in ("Open or update the fix pull request", "Fail on findings"):
        assert STEPS[name]["if"].startswith("always() && "), name


@pytest.mark.parametrize("code", ["1", "2"])
def test_the_last_step_fails_with_the_exit_code(tmp_path, code):
    proc, _ = _run(STEPS["Fail on findings"], tmp_path, {"CODE": code}, tmp_path)
    assert proc.returncode == int(code)
    assert f"iacfix: exit code {code}" in proc.stderr


@pytest.mark.parametrize(
    "base,extra,args",
    [
        ("", "", ["bot", "."]),
        ("release/1", "", ["bot", ".", "--base", "release/1"]),
        ("", "--select ECS,TF101 --terraform-version 1.9.8", ["bot", ".", "--select", "ECS,TF101", "--terraform-version", "1.9.8"]),
    ],
)
def test_the_bot_step_passes_the_args_and_the_base_when_given(tmp_path, base, extra, args):
    fake = tmp_path / "iacfix"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')  # prints its arguments, one a line
    fake.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        "IACFIX_PATHS": ".",
        "IACFIX_ARGS": extra,
        "IACFIX_BASE": base,
    }
    script = STEPS["Open or update the fix pull request"]["run"]
    proc = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True, check=False)
    assert proc.stdout.splitlines() == args


def test_the_job_summary_of_a_clean_run_and_of_unreadable_files():
    from iacfix import step_summary

    clean = {"runs": [{"tool": {"driver": {"name": "iacfix", "rules": []}}, "results": [], "invocations": []}]}
    assert step_summary.render(clean) == "### iacfix: no findings\n"
    notification = {
        "level": "error",
        "message": {"text": "not UTF-8 (byte 0xff at offset 5)"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "my%20infra/bad.tf"}, "region": {"startLine": 1}}}],
    }
    broken = {"runs": [{**clean["runs"][0], "invocations": [{"toolExecutionNotifications": [notification]}]}]}
    assert step_summary.render(broken).endswith("**Could not be read** (1):\n\n- `my infra/bad.tf:1`: not UTF-8 (byte 0xff at offset 5)\n")
    assert step_summary.main(["/nonexistent.sarif"]) == 2
