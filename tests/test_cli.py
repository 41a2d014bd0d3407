"""The command line as a user meets it: exit codes, output streams, bad input, what is written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from iacfix import engine
from iacfix.cli import app
from iacfix.rules import all_rules
from iacfix.model import Edit
from iacfix.rule import Rule

runner = CliRunner()

SERVICE = textwrap.dedent(
    """\
    resource "aws_ecs_service" "app" {
      name = "app"
    }
    """
)
SERVICE_FIXED = SERVICE.replace('  name = "app"\n', '  name          = "app"\n  desired_count = 2\n')
LOCKFILE = textwrap.dedent(
    """\
    terraform {
      backend "s3" {
        bucket       = "b"
        use_lockfile = true
      }
    }
    """
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str | bytes]):
        for rel, content in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        return tmp_path

    return make


def iacfix(*args):
    return runner.invoke(app, [str(a) for a in args])


# -- exit codes and streams -----------------------------------------------------------------------


def test_clean_project_exits_0(project):
    project({"main.tf": SERVICE_FIXED})
    result = iacfix(".")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No findings.\n")


def test_dry_run_prints_findings_on_stderr_and_diff_on_stdout(project):
    project({"main.tf": SERVICE})
    result = iacfix(".")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "main.tf:1:1: ECS101 ECS service `app` has no desired count, so it runs 0 tasks (the provider default); "
        "set to 2 (two tasks for availability)",
        "Found 1 finding (1 fixable). Run with --write to apply the fixes.",
    ]
    assert result.stdout.startswith("diff --git a/main.tf b/main.tf\n--- a/main.tf\n+++ b/main.tf\n")
    assert "+  desired_count = 2\n" in result.stdout
    assert (project({}) / "main.tf").read_text() == SERVICE  # dry run wrote nothing


def test_check_prints_findings_only(project):
    project({"main.tf": SERVICE})
    result = iacfix(".", "--check")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "ECS101" in result.stderr


def test_write_applies_and_a_second_run_is_clean(project):
    root = project({"main.tf": SERVICE})
    result = iacfix(".", "--write")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Fixed 1 finding in 1 file.\n"
    assert (root / "main.tf").read_text() == SERVICE_FIXED
    assert iacfix(".").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [[], [".", "--write", "--check"], [".", "--terraform-version", "soon"], [".", "--select", "NOPE1"], ["--bogus"]],
)
def test_usage_errors_exit_2(project, args):
    project({"main.tf": SERVICE})
    result = iacfix(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_path_is_an_error(project):
    result = iacfix("nope.tf")
    assert result.exit_code == 2
    assert result.stderr.startswith("nope.tf:1: error: no such file or folder\n")


def test_select_and_ignore(project):
    project({"main.tf": SERVICE + LOCKFILE})
    assert {l.split()[1] for l in iacfix(".", "--check", "--select", "ECS").stderr.splitlines()[:-1]} == {"ECS101"}
    assert {l.split()[1] for l in iacfix(".", "--check", "--ignore", "ECS101").stderr.splitlines()[:-1]} == {"TF101"}


def test_a_convention_rule_runs_where_the_project_follows_its_convention(project):
    # TF102 (partial backend) is the pipeline's convention: silent on a plain module, raised
    # where the command line, the config or the layout says the project follows it
    project({"main.tf": LOCKFILE})
    codes = lambda *args: {l.split()[1] for l in iacfix(".", "--check", *args).stderr.splitlines()[:-1]}
    assert "TF102" not in codes()
    assert "TF102" in codes("--conventions", "pipeline")
    project({".iacfix.toml": 'conventions = ["pipeline"]\n'})
    assert "TF102" in codes() and "TF102" not in codes("--conventions", "none")
    project({".iacfix.toml": "", "metadata.json": '{"platform": "tf", "language": "hcl"}', "lib/README": ""})
    assert "TF102" in codes()
    project({".iacfix.toml": "conventions = []\n"})
    assert "TF102" not in codes()


def test_an_unknown_convention_is_a_usage_error(project):
    project({"main.tf": LOCKFILE})
    assert iacfix(".", "--conventions", "pipelin").exit_code == 2
    project({".iacfix.toml": 'conventions = ["pipelin"]\n'})
    result = iacfix(".")
    assert result.exit_code == 2 and "no convention named 'pipelin'" in result.stderr


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("bad.tf", 'resource "x" "y" {\n  a = 1\n', "bad.tf:3: error: syntax error: unexpected end of file"),
        ("bad.tf", b'a = "\xff\xfe"\n', "bad.tf:1: error: not UTF-8 (byte 0xff at offset 5)"),
        ("bad.tf", b"\x00\x01\x02binary", "bad.tf:1: error: binary file, not a source file"),
        ("lib/bad.py", "def f(:\n    pass\n", "lib/bad.py:1: error: syntax error"),
    ],
)
def test_bad_files_are_reported_and_the_others_still_fixed(project, name, content, expected):
    root = project({"cdktf.json": '{"language": "python"}', "main.tf": SERVICE, name: content})
    before = (root / name).read_bytes()
    result = iacfix(".", "--write")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert (root / "main.tf").read_text() == SERVICE_FIXED
    assert (root / name).read_bytes() == before


class BreaksTheFile(Rule):
    """A rule whose fix is broken, to show such fixes are dropped."""

    code, name, flavours = "TEST1", "breaks-the-file", ("terraform",)

    def check(self, ctx):
        for res in ctx.resources():
            yield self.finding(res, "breaks it", [Edit(res.path, res.body.span[0], res.body.span[0], "{{{")])


class Crashes(Rule):
    """A rule with a bug."""

    code, name, flavours = "TEST2", "crashes", ("terraform",)

    def check(self, ctx):
        raise KeyError("boom")


def test_a_fix_that_breaks_parsing_is_dropped_and_reported(project):
    root = project({"main.tf": SERVICE})
    result = engine.run([root], engine.Options(), root, rules=[BreaksTheFile(), Crashes(), *all_rules()])
    messages = [e.message for e in result.errors]
    assert any(m.startswith("TEST1 fix dropped: it would break main.tf (line") for m in messages)
    assert any(m.startswith("internal error in TEST2 (KeyError") for m in messages)
    assert [f.code for f in result.findings if f.fixable] == ["ECS101"]  # the other rules still ran
    assert result.workspace.text[(root / "main.tf").absolute()] == SERVICE_FIXED


# -- nothing lost on write --------------------------------------------------------------------


def test_write_keeps_crlf_bom_and_mode(project):
    root = project({"main.tf": b"\xef\xbb\xbf" + SERVICE.replace("\n", "\r\n").encode()})
    os.chmod(root / "main.tf", 0o640)
    assert iacfix(".", "--write").exit_code == 0
    data = (root / "main.tf").read_bytes()
    assert data == b"\xef\xbb\xbf" + SERVICE_FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE((root / "main.tf").stat().st_mode) == 0o640


@pytest.mark.parametrize("crlf", [False, True])
def test_diff_applies_with_git_apply_even_without_final_newline(project, crlf):
    text = LOCKFILE.rstrip("\n")  # the last hunk reaches the last line, which has no newline
    if crlf:
        text = text.replace("\n", "\r\n")
    root = project({"main.tf": text.encode(), ".iacfix.toml": 'conventions = ["pipeline"]\n'})  # TF102 empties the backend
    diff = iacfix(".").stdout_bytes  # not .stdout: click's runner folds \r\n into \n there
    assert diff.endswith(b"\\ No newline at end of file\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "apply", "-"], cwd=root, input=diff, check=True)
    applied = (root / "main.tf").read_bytes()
    (root / "main.tf").write_bytes(text.encode())
    assert iacfix(".", "--write").exit_code == 0
    assert (root / "main.tf").read_bytes() == applied
    assert not applied.endswith(b"\n")


# -- what is read -----------------------------------------------------------------------------


def test_folders_skip_generated_and_ignored_files(project):
    root = project(
        {
            "main.tf": SERVICE,
            ".terraform/modules/m/main.tf": SERVICE,
            "node_modules/x/main.tf": SERVICE,
            "cdktf.out/stacks/main.tf": SERVICE,
            "ignored/main.tf": SERVICE,
            "keep/main.tf": SERVICE,
            ".gitignore": "ignored/\n*.tmp.tf\n",
            "scratch.tmp.tf": SERVICE,
        }
    )
    (root / ".git").mkdir()
    lines = iacfix(".", "--check").stderr.splitlines()[:-1]
    assert [l.split(":")[0] for l in lines] == ["keep/main.tf", "main.tf"]
    # a file named on the command line is always read
    assert iacfix("ignored/main.tf", "--check").exit_code == 1


def test_mixed_tree_detects_each_project(project):
    project(
        {
            "infra/main.tf": SERVICE,
            "app/cdktf.json": '{"language": "python"}',
            "app/lib/stack.py": 'from cdktf_cdktf_provider_aws.ecs_service import EcsService\n\nEcsService(self, "s", name="x")\n',
            "scripts/tool.py": "import os\n",  # not CDKTF: not read
        }
    )
    lines = iacfix(".", "--check").stderr.splitlines()[:-1]
    assert [l.split(":")[0] for l in lines] == ["app/lib/stack.py", "infra/main.tf"]


def test_files_of_another_language_in_a_cdktf_app_are_not_read(project):
    project(
        {
            "cdktf.json": '{"language": "typescript"}',
            "lib/lambda/handler.py": "def handler(event, context:\n",  # would be a syntax error
            "lib/stack.ts": "import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';\n"
            "new EcsService(this, 's', { name: 'x' });\n",
        }
    )
    result = iacfix(".", "--check")
    assert result.exit_code == 1
    assert [l.split(":")[0] for l in result.stderr.splitlines()[:-1]] == ["lib/stack.ts"]


# -- the target Terraform version ---------------------------------------------------------------


@pytest.mark.parametrize(
    "files,args,kept",
    [
        ({}, [], False),
        ({}, ["--terraform-version", "1.10.0"], True),
        ({".iacfix.toml": 'terraform-version = "1.10"\n'}, [], True),
        ({"pyproject.toml": '[tool.iacfix]\nterraform-version = "1.9.0"\n'}, [], False),
        ({".iacfix.toml": 'terraform-version = "1.12"\n'}, ["--terraform-version", "1.5.7"], False),
        ({"versions.tf": 'terraform {\n  required_version = ">= 1.10.0, < 2.0.0"\n}\n'}, [], True),
        ({"versions.tf": 'terraform {\n  required_version = "~> 1.9"\n}\n'}, [], False),
        ({".terraform-version": "1.11.0\n"}, [], True),
    ],
)
def test_use_lockfile_kept_only_on_terraform_1_10_and_later(project, files, args, kept):
    project({"main.tf": LOCKFILE, **files})
    result = iacfix(".", "--check", *args)
    assert ("TF101" not in result.stderr) == kept, result.stderr


def test_unknown_target_version_is_said(project):
    project({"main.tf": LOCKFILE})
    assert "the target Terraform version is unknown" in iacfix(".", "--check").stderr


def test_terraform_on_path_is_asked_last(project, monkeypatch):
    from iacfix import tfversion

    monkeypatch.setattr(tfversion, "installed_version", lambda: (1, 11, 4))
    project({"main.tf": LOCKFILE})
    assert "TF101" not in iacfix(".", "--check").stderr


# -- as ruff behaves ------------------------------------------------------------------------------


def test_a_clean_write_says_no_findings(project):
    project({"main.tf": SERVICE_FIXED})
    result = iacfix(".", "--write")
    assert (result.exit_code, result.stderr) == (0, "No findings.\n")


def test_a_write_with_nothing_to_fix_says_so(project):
    project({"main.tf": 'resource "aws_cognito_user_pool" "p" {\n  name              = "p"\n  mfa_configuration = "ON"\n}\n'})
    result = iacfix(".", "--write", "--select", "COG101")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Nothing fixed; 1 finding needs a human."


@pytest.mark.parametrize("files", [{}, {"README.txt": "notes\n"}, {".gitignore": "*.tf\n", "main.tf": SERVICE}])
def test_an_empty_or_fully_ignored_folder_warns_that_no_files_were_found(project, files):
    root = project({**files, ".git/HEAD": "ref: refs/heads/main\n"})
    result = iacfix(root)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "warning: No files found under the given paths.\n"


def test_exit_zero(project):
    project({"main.tf": SERVICE})
    result = iacfix(".", "--check", "--exit-zero")
    assert result.exit_code == 0 and "ECS101" in result.stderr
    assert iacfix("nope.tf", "--exit-zero").exit_code == 2  # bad input is still bad


def test_quiet_prints_the_findings_and_the_diff_only(project):
    project({"main.tf": SERVICE})
    result = iacfix(".", "--quiet")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "main.tf:1:1: ECS101 ECS service `app` has no desired count, so it runs 0 tasks (the provider default); "
        "set to 2 (two tasks for availability)"
    ]
    assert "+  desired_count = 2\n" in result.stdout
    assert iacfix(".", "-q", "--write").stderr == ""


def test_statistics(project):
    pool = 'resource "aws_cognito_user_pool" "p" {\n  name              = "p"\n  mfa_configuration = "ON"\n}\n'
    project({"main.tf": SERVICE, "b.tf": SERVICE.replace('"app"', '"b"'), "pool.tf": pool, **{"lock.tf": LOCKFILE}})
    result = iacfix(".", "--statistics", "--select", "ECS101,COG101,TF101", "--terraform-version", "1.9.0")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "2\tECS101\t[*] ecs-service-desired-count",
        "1\tCOG101\t    cognito-mfa-without-factor",
        "1\tTF101 \t[*] s3-backend-use-lockfile",
    ]
    assert result.stderr.splitlines()[-1].startswith("Found 4 findings (3 fixable).")
    rows = json.loads(iacfix(".", "--statistics", "--select", "ECS101", "--output-format", "json").stdout)
    assert rows == [{"code": "ECS101", "name": "ecs-service-desired-count", "count": 2, "fixable": 2}]
    assert iacfix(".", "--statistics", "--output-format", "sarif").exit_code == 2


def test_config_file_named_on_the_command_line(project):
    root = project({"main.tf": SERVICE + LOCKFILE, ".iacfix.toml": 'select = ["ECS101"]\n', "ci/iacfix.toml": 'select = ["TF101"]\n'})
    assert {l.split()[1] for l in iacfix(".", "--check").stderr.splitlines()[:-1]} == {"ECS101"}
    result = iacfix(".", "--check", "--config", "ci/iacfix.toml")
    assert {l.split()[1] for l in result.stderr.splitlines()[:-1]} == {"TF101"}
    (root / "ci" / "pyproject.toml").write_text(
        '[tool.iacfix]\nselect = ["TF102"]\nterraform-version = "1.10.0"\nconventions = ["pipeline"]\n'  # TF102 is the pipeline's
    )
    result = iacfix(".", "--check", "--config", "ci/pyproject.toml", "--extend-select", "TF101")
    assert {l.split()[1] for l in result.stderr.splitlines()[:-1]} == {"TF102"}  # 1.10: the lockfile is fine
    missing = iacfix(".", "--config", "nope.toml")
    assert missing.exit_code == 2 and "no such file: nope.toml" in missing.output


def test_no_cache_reads_and_writes_no_cache(project, monkeypatch, tmp_path):
    from iacfix.cache import user_cache_dir

    monkeypatch.setenv("IACFIX_CACHE_DIR", str(tmp_path / "cache"))
    project({"main.tf": SERVICE})
    assert iacfix(".", "--no-cache", "--check").exit_code == 1
    assert user_cache_dir() is None and not (tmp_path / "cache").exists()


# -- colour ---------------------------------------------------------------------------------------

BOLD, RED, GREEN, CYAN, RESET = "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[0m"


def test_colour_is_forced_with_force_color_and_off_with_no_color(project, monkeypatch):
    project({"main.tf": SERVICE})
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = iacfix(".")
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{BOLD}main.tf{RESET}{CYAN}:{RESET}1{CYAN}:{RESET}1{CYAN}:{RESET} {BOLD}{RED}ECS101{RESET} ECS service")
    assert f"{BOLD}--- a/main.tf{RESET}\n" in result.stdout and f"{GREEN}+  desired_count = 2{RESET}\n" in result.stdout
    assert f"{RED}-  name = \"app\"{RESET}\n" in result.stdout
    monkeypatch.setenv("NO_COLOR", "1")  # wins
    result = iacfix(".")
    assert "\x1b[" not in result.stderr + result.stdout


@pytest.mark.parametrize("value", ["0", "false", ""])
def test_force_color_off_values(project, monkeypatch, value):
    project({"main.tf": SERVICE})
    monkeypatch.setenv("FORCE_COLOR", value)
    result = iacfix(".")
    assert "\x1b[" not in result.stderr + result.stdout  # and a pipe is not a terminal


def test_colour_on_a_terminal_only():
    from iacfix.output import colour_enabled

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    assert colour_enabled(Stream(True)) and not colour_enabled(Stream(False))


def test_crlf_diff_keeps_its_line_endings_in_colour():
    from iacfix.output import Style

    assert Style(True).diff("+a\r\n-b\r\n") == f"{GREEN}+a{RESET}\r\n{RED}-b{RESET}\r\n"


# -- commands and folders named like them ---------------------------------------------------------


def _run_iacfix(*args, cwd):
    return subprocess.run([sys.executable, "-m", "iacfix", *args], cwd=cwd, capture_output=True, text=True)


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = result.stdout[result.stdout.index("Commands (iacfix COMMAND --help):") :]
    for name in ("rules", "explain", "bot"):
        assert f"\n    {name} " in commands, name


@pytest.mark.parametrize("name", ["rules", "bot"])
def test_a_folder_named_like_a_command_is_checked_by_its_path(tmp_path, name):
    (tmp_path / name).mkdir()
    (tmp_path / name / "main.tf").write_text(SERVICE)
    for spelling in ([f"./{name}"], [f"{name}/"], ["--check", "--", name]):
        proc = _run_iacfix(*spelling, cwd=tmp_path)
        assert proc.returncode == 1, (spelling, proc.stderr)
        assert f"{name}/main.tf:1:1: ECS101" in proc.stderr, spelling


def test_a_command_named_like_a_folder_says_how_to_check_the_folder(tmp_path):
    (tmp_path / "rules").mkdir()
    proc = _run_iacfix("rules", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("ALB101 ")
    assert proc.stderr == "note: `iacfix rules` is the command rules; to check the folder rules, run `iacfix ./rules`\n"


# -- a real process ---------------------------------------------------------------------------


def test_real_subprocess_on_a_sample(tmp_path):
    exe = [sys.executable, "-m", "iacfix"]
    version = subprocess.run([*exe, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("iacfix ")
    proc = subprocess.run([*exe, "terraform"], cwd=SAMPLES, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith("diff --git a/terraform/database.tf b/terraform/database.tf\n")
    assert proc.stderr.endswith(
        "Found 20 findings (17 fixable). 2 more fixable with --unsafe-fixes. Run with --write to apply the fixes.\n"
    )
