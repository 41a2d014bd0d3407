"""The bundled samples: the diff iacfix prints, and that applying it gives the fixed form.

samples/fixed/ is what `iacfix --write --unsafe-fixes` makes of each sample: the safe fixes and
the scaffolds. What is left in it are the findings only a human can settle (RULES[...]["none"]).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from iacfix.cli import app
from iacfix.rules import all_rules

SAMPLE_NAMES = ["cdktf-ts", "cdktf-py", "terraform"]
# The rules each sample exercises, by outcome (samples/README.md says where and why).
RULES = {
    "cdktf-ts": {
        "safe": {
            "CACHE101", "CDK101", "CI101", "COG101", "ECS101", "ECS104", "LAM101", "PKG101",
            "PRV101", "PRV102", "PRV104", "PRV105", "PRV107", "TAG101", "TF101",
        },
        "unsafe": {"ASG101"},
        "none": {"TEST101"},
    },
    "cdktf-py": {
        "safe": {"CACHE101", "CDK101", "CDK102", "ECS101", "IAM101", "PRV103", "PRV106", "PRV107", "TF101"},
        "unsafe": {"OUT101"},
        "none": {"TEST102", "TEST103"},
    },
    "terraform": {
        "safe": {
            "ECS101", "ECS103", "ECS104", "IAM101", "RDS101", "RDS103", "TF001", "TF101", "TF102",
            "TF103", "TF105", "TF201", "TF202", "TF203", "TF206", "TF207", "WAF101",
        },
        "unsafe": {"ASG101", "ECR101"},
        "none": {"MON101"},
    },
}
FINDING = re.compile(r"^\S+:\d+:\d+: ([A-Z]+\d+) ", re.M)
runner = CliRunner()


def tree(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def assert_same_tree(left, right):
    assert tree(left) == tree(right)
    for rel in tree(left):
        assert (left / rel).read_bytes() == (right / rel).read_bytes(), rel


def codes(stderr: str) -> set[str]:
    return set(FINDING.findall(stderr))


@pytest.fixture
def sample_copy(tmp_path, monkeypatch, request):
    name = request.param
    shutil.copytree(SAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path / name


def test_the_rules_named_here_exist_for_their_flavour():
    by_code = {rule.code: rule for rule in all_rules()}
    for name, by_fix in RULES.items():
        for fix, wanted in by_fix.items():
            for code in wanted:
                assert name in by_code[code].flavours and by_code[code].fix == fix, (name, code)


@pytest.mark.parametrize("sample_copy", SAMPLE_NAMES, indirect=True)
def test_sample_diff_and_findings(sample_copy, snapshot):
    """The README's first command: the safe fixes as a diff, the scaffolds shown on stderr."""
    result = runner.invoke(app, [sample_copy.name])
    assert result.exit_code == 1, result.stderr
    assert codes(result.stderr) == set().union(*RULES[sample_copy.name].values())
    assert result.stdout == snapshot(name="diff")
    assert result.stderr == snapshot(name="findings")


@pytest.mark.parametrize("sample_copy", SAMPLE_NAMES, indirect=True)
def test_write_leaves_the_scaffolds_and_the_reports(sample_copy):
    result = runner.invoke(app, [sample_copy.name, "--write"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    rules = RULES[sample_copy.name]
    assert codes(runner.invoke(app, [sample_copy.name, "--check"]).stderr) == rules["unsafe"] | rules["none"]
    # The scaffolds, applied on top, give the same fixed form as one run with --unsafe-fixes.
    assert runner.invoke(app, [sample_copy.name, "--write", "--unsafe-fixes"]).stdout == ""
    assert_same_tree(sample_copy, SAMPLES / "fixed" / sample_copy.name)


@pytest.mark.parametrize("sample_copy", SAMPLE_NAMES, indirect=True)
def test_write_unsafe_gives_the_fixed_sample_and_a_second_run_changes_nothing(sample_copy):
    result = runner.invoke(app, [sample_copy.name, "--write", "--unsafe-fixes"])
    assert result.exit_code == 1, result.stderr  # a finding needs a human
    assert result.stdout == ""
    assert_same_tree(sample_copy, SAMPLES / "fixed" / sample_copy.name)
    again = runner.invoke(app, [sample_copy.name, "--unsafe-fixes"])
    assert (again.exit_code, again.stdout) == (1, "")
    assert codes(again.stderr) == RULES[sample_copy.name]["none"]
    assert again.stderr.endswith("(0 fixable).\n")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_fixed_samples_leave_only_what_needs_a_human(name, monkeypatch):
    monkeypatch.chdir(SAMPLES / "fixed")
    result = runner.invoke(app, [name, "--check"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert codes(result.stderr) == RULES[name]["none"]


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
    diff = runner.invoke(app, [sample_copy.name, "--unsafe-fixes"]).stdout_bytes
    for command in APPLY[tool]:
        subprocess.run(command, cwd=root, input=diff if command is APPLY[tool][-1] else None, check=True)
    assert_same_tree(sample_copy, SAMPLES / "fixed" / sample_copy.name)


# -- the fixed samples against the real toolchains (each skipped where its toolchain is absent) ------
# bench/provider_api_tsc.py installs cdktf, @cdktf/provider-aws and TypeScript (node/) and a venv with
# the Python packages (py/) into bench/.cache on its first run.
TOOLCHAIN = SAMPLES.parent / "bench" / ".cache"
NODE_MODULES = TOOLCHAIN / "node" / "node_modules"
PYTHON = TOOLCHAIN / "py" / "bin" / "python"


@pytest.mark.toolchain
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_fmt_agrees_with_tf001():
    def unformatted(folder):
        proc = subprocess.run(["terraform", "fmt", "-check", "-recursive"], cwd=folder, capture_output=True, text=True)
        return proc.returncode, proc.stdout.split()

    assert unformatted(SAMPLES / "terraform") == (3, ["waf.tf"])
    assert unformatted(SAMPLES / "fixed" / "terraform") == (0, [])


@pytest.mark.toolchain
@pytest.mark.skipif(not (NODE_MODULES / "@cdktf" / "provider-aws").is_dir(), reason=f"no toolchain in {NODE_MODULES}")
@pytest.mark.parametrize("name", ["cdktf-ts", "fixed/cdktf-ts"])
def test_typescript_sample_compiles_once_fixed(name, tmp_path):
    shutil.copytree(SAMPLES / name, tmp_path / "app")
    (tmp_path / "app" / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    # The app's own compiler options; its jest tests and Lambda handler need packages the toolchain lacks.
    config = '{"extends": "./tsconfig.json", "include": ["bin/**/*.ts", "lib/**/*.ts"], "compilerOptions": {"types": ["node"], "incremental": false, "noEmit": true}}'
    (tmp_path / "app" / "tsconfig.check.json").write_text(config)
    proc = subprocess.run(
        ["node", str(NODE_MODULES / "typescript" / "bin" / "tsc"), "-p", "tsconfig.check.json", "--pretty", "false"],
        cwd=tmp_path / "app", capture_output=True, text=True,
    )
    errors = sorted(set(re.findall(r"error (TS\d+)", proc.stdout)))
    assert errors == ([] if name.startswith("fixed/") else ["TS2304", "TS2322", "TS2724", "TS6133"]), proc.stdout


@pytest.mark.toolchain
@pytest.mark.skipif(not PYTHON.exists(), reason=f"no toolchain in {PYTHON.parent.parent}")
def test_fixed_python_sample_synthesizes(tmp_path):
    # Only the fixed form: the app loads the provider's 37 MB jsii assembly, ~30 s a run.
    shutil.copytree(SAMPLES / "fixed" / "cdktf-py", tmp_path / "app")
    proc = subprocess.run([str(PYTHON), "tap.py"], cwd=tmp_path / "app", capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    [stack] = (tmp_path / "app" / "cdktf.out" / "stacks").glob("*/cdk.tf.json")
    assert "aws_elasticache_subnet_group" in json.loads(stack.read_text())["resource"]
