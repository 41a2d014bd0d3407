"""--verify: the real checkers run on the repaired tree where they are present, and say what is
left as findings; where they are absent, a note says so and the run is otherwise the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iacfix import verify
from iacfix.cli import app

runner = CliRunner()
MIRROR = Path("/opt/tf-plugins")
MODULE = """\
resource "aws_rds_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  skip_final_snapshot = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  metric {
    name = "all"
  }
}
"""


def test_without_terraform_a_note_says_so_and_nothing_else_changes(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(MODULE)
    plain = runner.invoke(app, [str(tmp_path), "--check", "--select", "PRV"])
    monkeypatch.setattr(verify.shutil, "which", lambda name: None)
    verified = runner.invoke(app, [str(tmp_path), "--check", "--select", "PRV", "--verify"])
    assert verified.exit_code == plain.exit_code == 1
    assert "note: --verify: terraform is not on PATH: not validated" in verified.stderr
    assert [line for line in verified.stderr.splitlines() if "note: --verify" not in line] == plain.stderr.splitlines()


@pytest.mark.toolchain
@pytest.mark.skipif(shutil.which("terraform") is None or not MIRROR.is_dir(), reason="no terraform, or no provider mirror at /opt/tf-plugins")
def test_terraform_validate_reports_what_the_fixes_leave(tmp_path, monkeypatch):
    config = tmp_path / "terraformrc"
    config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n')
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(config))
    module = tmp_path / "module"
    module.mkdir()
    (module / "main.tf").write_text(MODULE)
    result = runner.invoke(app, [str(module), "--select", "PRV", "--verify"])
    verified = [line for line in result.stderr.splitlines() if " VERIFY " in line]
    # the type is repaired (PRV102); the bucket metric belongs to another resource, which is left to a human
    assert verified == [f"{module / 'main.tf'}:9:3: VERIFY terraform validate: Unsupported block type: Blocks of type \"metric\" are not expected here."]
    assert (module / "main.tf").read_text() == MODULE  # a dry run: the check ran on a copy


# the toolchains bench/provider_api_tsc.py installs into bench/.cache (tests/test_samples.py uses them too)
TOOLCHAIN = Path(__file__).resolve().parents[1] / "bench" / ".cache"
NODE_MODULES = TOOLCHAIN / "node" / "node_modules"
PYTHON = TOOLCHAIN / "py" / "bin" / "python"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.mark.toolchain
@pytest.mark.skipif(not (NODE_MODULES / "typescript").is_dir(), reason=f"no toolchain in {NODE_MODULES}")
def test_tsc_checks_the_repaired_typescript_app(tmp_path):
    app_dir = tmp_path / "app"
    shutil.copytree(SAMPLES / "cdktf-ts", app_dir)
    (app_dir / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    result = runner.invoke(app, [str(app_dir), "--verify", "--unsafe-fixes"])
    verified = [line for line in result.stderr.splitlines() if " VERIFY " in line]
    assert "not type-checked" not in result.stderr  # tsc ran
    assert all(" VERIFY tsc TS" in line and str(app_dir) in line for line in verified)  # what it says, at the app's own files


@pytest.mark.toolchain
@pytest.mark.skipif(not PYTHON.exists(), reason=f"no toolchain in {PYTHON.parent.parent}")
def test_the_repaired_python_app_synthesizes(tmp_path, monkeypatch):
    app_dir = tmp_path / "app"
    shutil.copytree(SAMPLES / "cdktf-py", app_dir)
    monkeypatch.setattr(verify.sys, "executable", str(PYTHON))
    result = runner.invoke(app, [str(app_dir), "--verify", "--unsafe-fixes"])
    assert "not synthesized" not in result.stderr and " VERIFY " not in result.stderr, result.stderr
