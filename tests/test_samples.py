"""The bundled samples: the diff iacfix prints, and that applying it gives the fixed form."""

from __future__ import annotations

import filecmp
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from iacfix.cli import app

SAMPLE_NAMES = ["cdktf-ts", "cdktf-py", "terraform"]
runner = CliRunner()


def tree(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def assert_same_tree(left, right):
    assert tree(left) == tree(right)
    for rel in tree(left):
        assert (left / rel).read_bytes() == (right / rel).read_bytes(), rel


@pytest.fixture
def sample_copy(tmp_path, monkeypatch, request):
    name = request.param
    shutil.copytree(SAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path / name


@pytest.mark.parametrize("sample_copy", SAMPLE_NAMES, indirect=True)
def test_sample_diff_and_findings(sample_copy, snapshot):
    result = runner.invoke(app, [sample_copy.name])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == snapshot(name="diff")
    assert result.stderr == snapshot(name="findings")


@pytest.mark.parametrize("sample_copy", SAMPLE_NAMES, indirect=True)
def test_write_gives_the_fixed_sample_and_a_second_run_is_empty(sample_copy):
    result = runner.invoke(app, [sample_copy.name, "--write"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert_same_tree(sample_copy, SAMPLES / "fixed" / sample_copy.name)
    again = runner.invoke(app, [sample_copy.name])
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == "No findings.\n"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_fixed_samples_have_no_findings(name, monkeypatch):
    monkeypatch.chdir(SAMPLES / "fixed")
    result = runner.invoke(app, [name, "--check"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No findings.\n")


APPLY = {
    "git apply": [["git", "init", "-q"], ["git", "apply", "-"]],
    "patch -p1": [["patch", "-p1", "--quiet", "--no-backup-if-mismatch"]],
}


@pytest.mark.parametrize("tool", APPLY)
@pytest.mark.parametrize("sample_copy", SAMPLE_NAMES, indirect=True)
def test_the_diff_applies(sample_copy, tool):
    if shutil.which(APPLY[tool][-1][0]) is None:
        pytest.skip(f"{tool} is not installed")
    root = sample_copy.parent
    diff = runner.invoke(app, [sample_copy.name]).stdout_bytes
    for command in APPLY[tool]:
        subprocess.run(command, cwd=root, input=diff if command is APPLY[tool][-1] else None, check=True)
    assert_same_tree(sample_copy, SAMPLES / "fixed" / sample_copy.name)
