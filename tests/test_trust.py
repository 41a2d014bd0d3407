"""Code nobody here wrote (issue 20): conventions only where a project follows them, versions as
the project pins them, no safe fix whose intent is a guess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacfix import conventions, engine, tfversion
from iacfix.model import Value
from iacfix.backends.base import Setting
from iacfix.rules import all_rules

RULES = {r.code: r for r in all_rules()}


def _run(root: Path, *codes: str, **options) -> engine.RunResult:
    """The default selection (or `codes`), as `iacfix ROOT` run from ROOT."""
    select = list(codes) or None
    return engine.run([root], engine.Options(select=select, **options), cwd=root)


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# -- conventions -------------------------------------------------------------------------------------


def test_every_convention_rule_names_a_known_convention_and_says_why():
    for rule in all_rules():
        if rule.convention is not None:
            assert rule.convention in conventions.CONVENTIONS, rule.code
            assert len(rule.convention_reason()) > 40, f"{rule.code}: no 'Convention ({rule.convention}):' paragraph"
        else:
            assert "Convention (" not in rule.docs(), rule.code


def test_the_pipeline_layout_is_recognised_from_its_task_folder(tmp_path):
    task = tmp_path / "Pr1"
    _write(task, {"metadata.json": json.dumps({"platform": "tf", "language": "hcl"}), "lib/main.tf": ""})
    assert conventions.detect(task / "lib") == {"pipeline"}
    assert conventions.detect(task / "lib" / "MODEL_RESPONSE.md") == {"pipeline"}
    assert conventions.detect(task) == {"pipeline"}
    # a metadata.json that names no platform and language, or no lib/: not the layout
    (task / "metadata.json").write_text(json.dumps({"name": "x"}))
    assert conventions.detect(task / "lib") == frozenset()
    (task / "metadata.json").write_text(json.dumps({"platform": "cdktf", "language": "ts"}))
    (task / "lib" / "main.tf").unlink()
    (task / "lib").rmdir()
    assert conventions.detect(task) == frozenset()


def test_a_repository_boundary_stops_the_search(tmp_path):
    _write(tmp_path, {"metadata.json": json.dumps({"platform": "tf", "language": "hcl"}), "lib/x": "", "lib/app/.git/HEAD": ""})
    assert conventions.detect(tmp_path / "lib" / "app") == frozenset()


BACKEND = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key    = "app.tfstate"\n    region = "eu-west-1"\n  }\n}\n'


def test_a_convention_rule_is_silent_on_a_plain_module_even_when_selected(tmp_path):
    _write(tmp_path, {"main.tf": BACKEND})
    assert _run(tmp_path, "TF102").findings == []
    assert [f.code for f in _run(tmp_path, "TF102", conventions=["pipeline"]).findings] == ["TF102"]


# -- versions ----------------------------------------------------------------------------------------


def _required(constraint: str) -> Setting:
    value = Value("string", f'"{constraint}"', (0, 0), 1, 1)
    value.value = constraint
    return Setting(Path("versions.tf"), "terraform.required_version", value, (0, 0), 1, 1)


def test_the_declared_required_version_wins_over_the_terraform_on_path(tmp_path, monkeypatch):
    monkeypatch.setattr(tfversion, "installed_version", lambda: (1, 11, 4))
    assert tfversion.target_version(None, None, tmp_path, [_required(">= 1.5.0")]).version == (1, 5, 0)
    # no lower bound: the installed 1.11 is the target only where the declared range admits it
    assert tfversion.target_version(None, None, tmp_path, [_required("< 2.0")]).version == (1, 11, 4)
    assert tfversion.target_version(None, None, tmp_path, [_required("< 1.10")]).version is None
    assert tfversion.target_version(None, None, tmp_path, []).version == (1, 11, 4)


@pytest.mark.parametrize(
    "constraint,admitted",
    [("~> 5.0", False), (">= 5.0", True), (">= 6.42", False), ("~> 6.0", True), ("~> 5.47.0", False),
     (">= 4.0, < 6.0", False), ("= 6.25.0", True), ("> 6.25", False), ("> 6.24.9", True), ("~> 6", True)],
)
def test_terraform_constraints_are_read_as_terraform_reads_them(constraint, admitted):
    assert tfversion.admits(constraint, (6, 25, 0)) is admitted


# -- IAM102: whose account -------------------------------------------------------------------------------

ASSUME = 'resource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = jsonencode({ Resource = "arn:aws:iam::111111111111:role/admin" })\n}\n'


def test_a_usage_examples_placeholder_accounts_are_left_alone(tmp_path):
    _write(tmp_path, {".git/HEAD": "", "examples/cross-account/main.tf": ASSUME, "main.tf": ASSUME})
    found = _run(tmp_path, "IAM102").findings
    assert [(f.path.relative_to(tmp_path).as_posix(), f.safety) for f in found] == [("main.tf", "unsafe")]
    # in the pipeline's tasks the stack deploys into one account: every placeholder is it
    found = _run(tmp_path, "IAM102", conventions=["pipeline"]).findings
    assert sorted((f.path.relative_to(tmp_path).as_posix(), f.safety) for f in found) == [
        ("examples/cross-account/main.tf", "safe"),
        ("main.tf", "safe"),
    ]


# -- TEST rules: the app's tests, not a vendored package's -------------------------------------------


def test_the_tests_of_a_package_vendored_into_a_lambda_are_not_the_apps(tmp_path):
    tests = "def test_x():\n    assert True\n"
    _write(tmp_path, {
        "cdktf.json": json.dumps({"language": "python", "app": "python main.py"}),
        "main.py": "from cdktf import App\n",
        "lambda/zope/interface/tests/test_x.py": tests,
        "lambda/zope.interface-5.4.0.egg-info/PKG-INFO": "",
        "tests/test_app.py": tests,
    })
    found = _run(tmp_path, "TEST101", conventions=["pipeline"]).findings
    assert [f.path.relative_to(tmp_path).as_posix() for f in found] == ["tests/test_app.py"]


def test_cog101_leaves_a_pool_whose_factor_may_come_from_a_dynamic_block(tmp_path):
    _write(tmp_path, {"main.tf": 'resource "aws_cognito_user_pool" "p" {\n  name              = "p"\n  mfa_configuration = "OPTIONAL"\n\n'
                      '  dynamic "software_token_mfa_configuration" {\n    for_each = var.totp ? [1] : []\n'
                      '    content {\n      enabled = true\n    }\n  }\n}\n'})
    assert _run(tmp_path, "COG101").findings == []


def test_ci101_leaves_the_cdk_commands_of_a_repository_that_also_holds_an_aws_cdk_app(tmp_path):
    workflow = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx cdk deploy --all\n"
    _write(tmp_path, {
        ".github/workflows/deploy.yml": workflow,
        "infra/cdk.json": '{"app": "npx ts-node bin/app.ts"}',
        "app/cdktf.json": json.dumps({"language": "typescript", "app": "npx ts-node main.ts"}),
        "app/main.ts": "import { App } from 'cdktf';\n",
    })
    assert _run(tmp_path, "CI101").findings == []
    (tmp_path / "infra" / "cdk.json").unlink()
    assert [f.code for f in _run(tmp_path, "CI101").findings] == ["CI101"]


def test_lam102_takes_a_makefile_that_zips_the_handler_for_a_build_step(tmp_path):
    _write(tmp_path, {
        "cdktf.json": json.dumps({"language": "typescript", "app": "npx ts-node main.ts"}),
        "main.ts": "import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';\n"
        "new LambdaFunction(this, 'fn', { functionName: 'fn', role: 'r', filename: 'dist/fn.zip' });\n",
    })
    assert [f.code for f in _run(tmp_path, "LAM102").findings] == ["LAM102"]
    _write(tmp_path, {"Makefile": "dist/fn.zip:\n\tcd src && zip -r ../dist/fn.zip .\n"})
    assert _run(tmp_path, "LAM102").findings == []
