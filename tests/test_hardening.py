"""Issue 21: what a demanding user and a reliability engineer found, each as the scenario that
failed. One odd file never stops a run; links, concurrent edits and failed writes are handled;
discovery terminates; diffs apply; configuration mistakes are errors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iacfix.cli import app

runner = CliRunner()

SERVICE = 'resource "aws_ecs_service" "app" {\n  name = "app"\n}\n'
SERVICE_FIXED = 'resource "aws_ecs_service" "app" {\n  name          = "app"\n  desired_count = 2\n}\n'
EIP = 'resource "aws_eip" "a" {\n  vpc = true\n}\n'
EIP_FINDING = 'TF203 `vpc = true` is deprecated'
PY_SERVICE = textwrap.dedent(
    """\
    from cdktf_cdktf_provider_aws.ecs_service import EcsService

    service = EcsService(self, "service", name="app", launch_type="FARGATE")
    """
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str | bytes]) -> Path:
        for rel, content in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        return tmp_path

    return make


def iacfix(*args):
    return runner.invoke(app, [str(a) for a in args])


def iacfix_process(*args, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    """iacfix in a process of its own: what would crash it (a segfault, a hang) cannot take
    the test run down with it."""
    env = {**os.environ, "IACFIX_CACHE_DIR": "", **kwargs.pop("env", {})}
    return subprocess.run(
        [sys.executable, "-m", "iacfix", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120, env=env, **kwargs
    )


# -- 2. one unusual but valid file never stops the run ------------------------------------------


def test_hcl_value_nested_3000_deep_is_one_error_and_the_other_files_are_processed(project):
    deep = "locals {\n  a = " + "[" * 3000 + "1" + "]" * 3000 + "\n}\n"
    project({"deep/main.tf": deep, "ok/main.tf": EIP})
    result = iacfix(".", "--check")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "deep/main.tf:1: error: nested more than 200 levels deep (brackets, or operators chained in one expression): not read" in lines
    assert any(line.startswith("ok/main.tf:2:3: " + EIP_FINDING) for line in lines)
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("terms", [500, 10_000])
def test_python_expression_of_many_terms_is_read_like_any_other(project, terms):
    """libcst recursed at 500 terms and crashed the process at 10,000; CPython's `ast` reads both
    when given room, and the view records the expression as one value."""
    long_expression = "total = " + " + ".join(["1"] * terms) + "\n"
    project({"cdktf.json": '{"language": "python"}', "main.py": PY_SERVICE + long_expression})
    result = iacfix_process(".", "--check", cwd=Path.cwd())
    assert result.returncode == 1, result.stderr
    assert "main.py:3:11: ECS101" in result.stderr
    assert "error" not in result.stderr


def test_python_syntax_error_beside_a_10000_term_expression_is_reported_without_libcst(project):
    """ast refuses the file; libcst, which would say why, would crash on the expression first."""
    text = "total = " + " + ".join(["1"] * 10_000) + "\ndef broken(:\n    pass\n"
    project({"cdktf.json": '{"language": "python"}', "main.py": text, "other/main.tf": EIP})
    result = iacfix_process(".", "--check", cwd=Path.cwd())
    assert result.returncode == 2, result.stderr
    assert "main.py:2: error: syntax error: invalid syntax" in result.stderr.splitlines()
    assert "other/main.tf:2:3: " + EIP_FINDING in result.stderr


def test_python_brackets_nested_10000_deep_do_not_crash(project):
    text = "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n"
    project({"cdktf.json": '{"language": "python"}', "main.py": text})
    result = iacfix_process(".", "--check", cwd=Path.cwd())
    assert (result.returncode, result.stderr.splitlines()[0]) == (2, "main.py:1: error: syntax error: too many nested parentheses")


def test_number_with_a_leading_zero_is_read_as_terraform_reads_it(project):
    """`0755` is 755 to HCL; JSON refuses it, and the JSONDecodeError escaped the run."""
    project({"main.tf": 'locals {\n  mode = 0755\n}\n\n' + EIP})
    result = iacfix(".", "--check")
    assert (result.exit_code, result.stderr.splitlines()[0].startswith("main.tf:6:3: " + EIP_FINDING)) == (1, True)
    from iacfix.backends import hcl

    (locals_block,) = [b for b in hcl.parse(Path("main.tf"), "locals {\n  mode = 0755\n}\n").blocks]
    assert (locals_block.attributes[0].prop.value.kind, locals_block.attributes[0].prop.value.value) == ("number", 755)


def test_tf001_keeps_provider_defined_function_names(project):
    """hclwrite wrote `provider : : terraform : : encode_expr`: the fix was dropped and a false
    "not formatted" stayed on a file `terraform fmt -check` accepts."""
    call = "provider::terraform::encode_expr({ a = 1 })"
    root = project({"a/main.tf": f"locals {{\n  x = {call}\n  yy = 2\n}}\n", "b/main.tf": f"locals {{\n  x  = {call}\n  yy = 2\n}}\n"})
    result = iacfix(".", "--write")
    assert (result.exit_code, result.stderr) == (0, "Fixed 1 finding in 1 file.\n")
    assert (root / "a/main.tf").read_text() == (root / "b/main.tf").read_text() == f"locals {{\n  x  = {call}\n  yy = 2\n}}\n"


def test_a_parser_failing_on_one_file_is_an_error_of_that_file(project, monkeypatch):
    from iacfix.backends import hcl

    parse = hcl.parse

    def fragile(path, text):
        if "boom" in text:
            raise KeyError("a parser bug")
        return parse(path, text)

    monkeypatch.setattr(hcl, "parse", fragile)
    project({"a/main.tf": "locals {\n  boom = 1\n}\n", "b/main.tf": EIP})
    result = iacfix(".", "--check")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "a/main.tf:1: error: internal error while parsing it (KeyError: 'a parser bug'); please report"
    assert ("b/main.tf:2:3: " + EIP_FINDING) in result.stderr
