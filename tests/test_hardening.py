"""Issue 21: what a demanding user and a reliability engineer found, each as the scenario that
failed. One odd file never stops a run; links, concurrent edits and failed writes are handled;
discovery terminates; diffs apply; configuration mistakes are errors."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iacfix.cli import app
from iacfix.engine import pool

_run_batch = pool.run_batch

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
    done = subprocess.run([sys.executable, "-m", "iacfix", *map(str, args)], cwd=cwd, capture_output=True, timeout=120, env=env, **kwargs)
    # stdout as bytes would be: a CRLF file's diff keeps its \r (text mode would turn it into \n)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


# -- 2. one unusual but valid file never stops the run ------------------------------------------


@pytest.fixture
def default_recursion_limit(monkeypatch):
    """The limit a process starts with (test_architecture raises this one's): how deep a file
    is read at once, before engine.deep_input is needed, depends on it."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(limit)


def test_hcl_value_nested_3000_deep_is_one_error_and_the_other_files_are_processed(project, default_recursion_limit):
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


def test_python_with_lone_carriage_returns_is_an_error_not_a_crash(project):
    """Found by the fuzz test: CPython breaks lines at a lone CR, iacfix's positions at LF, and
    the view's offsets ran past the end of the text (IndexError)."""
    project({"cdktf.json": '{"language": "python"}', "main.py": PY_SERVICE.replace("\n", "\r"), "other/main.tf": EIP})
    result = iacfix(".", "--check")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "main.py:1: error: a line ends with a lone carriage return (CR), near line 1: not read (use LF or CRLF)"
    assert ("other/main.tf:2:3: " + EIP_FINDING) in result.stderr


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


# -- 1. project discovery terminates: nested apps and monorepos ----------------------------------

FILLER = "# " + "x" * 97 + "\n"  # a comment line: bytes that count towards a big tree, cheap to parse


def _python_stack(name: str, filler_lines: int) -> str:
    return (
        FILLER * filler_lines
        + "from constructs import Construct\n"
        + "from cdktf_cdktf_provider_aws.ecs_service import EcsService\n\n\n"
        + f"class {name}(Construct):\n"
        + "    def __init__(self, scope: Construct, id: str):\n"
        + "        super().__init__(scope, id)\n"
        + '        EcsService(self, "service", name="app", launch_type="FARGATE")\n'
    )


def _nested_app(root: Path) -> None:
    """A CDKTF app over 1.5 MB (so its projects run in a pool) with an example app inside it
    that has its own cdktf.json and package.json."""
    files = {
        "app/cdktf.json": '{"language": "python", "app": "python main.py"}',
        "app/package.json": '{"name": "app"}',
        "app/main.py": "from cdktf import App\napp = App()\napp.synth()\n",
        "app/examples/demo/cdktf.json": '{"language": "python", "app": "python main.py"}',
        "app/examples/demo/package.json": '{"name": "demo"}',
        "app/examples/demo/main.py": _python_stack("Demo", 0),
    }
    files.update({f"app/lib/stack_{i}.py": _python_stack(f"Stack{i}", 2000) for i in range(8)})
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _monorepo(root: Path) -> None:
    """Workspaces of CDKTF apps in both languages (one with an example app inside), Terraform
    modules, a root package.json, workflows and node_modules: 2.5 MB in all."""
    files = {
        "package.json": '{"private": true, "workspaces": ["apps/*"]}',
        ".github/workflows/deploy.yml": "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx cdktf deploy\n",
        "apps/web/cdktf.json": '{"language": "typescript", "app": "npx ts-node main.ts"}',
        "apps/web/package.json": '{"name": "web", "dependencies": {"cdktf": "0.20.0"}}',
        "apps/web/main.ts": "".join(f"// {'y' * 97}\n" for _ in range(3000))
        + 'import { App } from "cdktf";\nconst app = new App();\napp.synth();\n',
        "apps/api/cdktf.json": '{"language": "python", "app": "python main.py"}',
        "apps/api/main.py": _python_stack("Api", 16000),  # 1.6 MB: the app with an example inside is big
        "apps/api/examples/minimal/cdktf.json": '{"language": "python", "app": "python main.py"}',
        "apps/api/examples/minimal/main.py": _python_stack("Minimal", 0),
        "apps/api/examples/minimal/package.json": '{"name": "minimal"}',
        "apps/api/node_modules/cdktf/lib/index.ts": "export const x = ;\n",  # never read
        "modules/vpc/main.tf": "".join(f"# {'z' * 97}\n" for _ in range(6000)) + SERVICE,
        "modules/vpc/variables.tf": 'variable "name" {\n  type = string\n}\n',
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _measured_run(root: Path, *args) -> tuple[subprocess.CompletedProcess, float, int]:
    """iacfix in a process of its own: its result, wall seconds and the peak resident set size
    (bytes) of the biggest process it ran (itself, a pool process or the Node worker)."""
    script = textwrap.dedent(
        """\
        import resource, subprocess, sys, time
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "iacfix", *sys.argv[1:]], capture_output=True, text=True)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        print(f"\\n{done.returncode} {time.monotonic() - start} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=root, capture_output=True, text=True, timeout=300, env={**os.environ, "IACFIX_CACHE_DIR": ""},
    )
    stdout, _, figures = done.stdout.rstrip("\n").rpartition("\n")
    code, seconds, peak_kib = figures.split()
    return subprocess.CompletedProcess(done.args, int(code), stdout, done.stderr), float(seconds), int(peak_kib) * 1024


@pytest.mark.parametrize("layout", [_nested_app, _monorepo], ids=["nested-app", "monorepo"])
def test_nested_apps_and_monorepos_run_in_the_pool_and_finish(tmp_path, layout):
    """The pool's batch split used to group the big app's files again, find the nested app,
    split again and re-enter run() until RecursionError (a real monorepo: 110 s and 9 GB first).
    A batch now runs the project the parent grouped. Every app is found once, and the run stays
    within time and memory any user would accept."""
    layout(tmp_path)
    result, seconds, peak = _measured_run(tmp_path, ".", "--check", "--jobs", "2")
    assert result.returncode == 1, result.stderr
    assert "error" not in result.stderr
    findings = [line.split(":")[0] for line in result.stderr.splitlines() if " ECS101 " in line]
    expected = {
        _nested_app: ["app/examples/demo/main.py"] + [f"app/lib/stack_{i}.py" for i in range(8)],
        _monorepo: ["apps/api/examples/minimal/main.py", "apps/api/main.py", "modules/vpc/main.tf"],
    }[layout]
    assert sorted(findings) == sorted(expected)
    assert seconds < 120
    assert peak < 1_000_000_000
    one_process, _, _ = _measured_run(tmp_path, ".", "--check", "--jobs", "1")
    assert one_process.stderr == result.stderr


def _dies_on_project_a(args):
    if args[0].root.name == "a":
        os._exit(139)  # what a segfault in native code does to the process
    return _run_batch(args)


def test_a_pool_process_that_dies_costs_only_its_project(tmp_path, monkeypatch):
    import threading

    from iacfix import engine

    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(SERVICE)
    monkeypatch.setattr(pool, "run_batch", _dies_on_project_a)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # fork, so the processes see the patch
    result = engine.run([tmp_path], engine.Options(), tmp_path, jobs=2)
    assert [(e.path.relative_to(tmp_path).as_posix(), e.message) for e in result.errors] == [
        ("a/main.tf", "internal error: the process running this project stopped; please report")
    ]
    assert sorted(f.path.parent.name for f in result.findings) == ["b", "c"]
    assert sorted(s.display for s, _ in result.changes()) == ["b/main.tf", "c/main.tf"]


# -- 10. configuration mistakes are errors -------------------------------------------------------


@pytest.mark.parametrize(
    "config,message",
    [
        ('select = ["NOPE1"]\n', ".iacfix.toml: select: no rule code starts with 'NOPE1'"),
        ('extend-select = "SG101,NOPE"\n', ".iacfix.toml: extend-select: no rule code starts with 'NOPE'"),
        ('ignore = [101]\n', ".iacfix.toml: ignore must be a list of rule codes, not a list"),
        ('conventions = ["pipline"]\n', ".iacfix.toml: conventions: no convention named 'pipline'; known: pipeline"),
        ('[per-file-ignores]\n"legacy/**" = ["TF9"]\n', ".iacfix.toml: per-file-ignores: ['legacy/**']: no rule code starts with 'TF9'"),
        ('per-file-ignores = ["TF001"]\n', ".iacfix.toml: per-file-ignores must be a table of file patterns to lists of rule codes, not a list"),
        ('unsafe-fixes = "false"\n', ".iacfix.toml: unsafe-fixes must be true or false, not the string 'false'"),
        ('terraform-version = "banana"\n', '.iacfix.toml: terraform-version must be a Terraform version in quotes, such as "1.9.8", not the string \'banana\''),
        ("terraform-version = 1.10\n", '.iacfix.toml: terraform-version must be a Terraform version in quotes, such as "1.9.8", not a number 1.1'),
        ('selct = ["ECS"]\n', ".iacfix.toml: unknown key 'selct' (known keys: conventions, extend-select, ignore, per-file-ignores, select, terraform-version, unsafe-fixes)"),
    ],
)
def test_configuration_mistakes_are_errors_naming_file_and_key(project, config, message):
    """`select = ["NOPE1"]` turned every rule off and exited 0 (a CI gate passed);
    `unsafe-fixes = "false"` counted as true and applied scaffolds."""
    root = project({"main.tf": SERVICE, ".iacfix.toml": config})
    result = iacfix(".", "--write")
    assert (result.exit_code, result.stderr) == (2, f"error: {message}\n")
    assert (root / "main.tf").read_text() == SERVICE  # nothing written


def test_pyproject_table_is_checked_and_named(project):
    project({"main.tf": SERVICE, "pyproject.toml": '[tool.black]\nline-length = 100\n\n[tool.iacfix]\nunsafe_fixes = true\n'})
    result = iacfix(".", "--check")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: pyproject.toml [tool.iacfix]: unknown key 'unsafe_fixes' (known keys: ")


def test_valid_configuration_still_applies(project):
    project({"main.tf": SERVICE + EIP, ".iacfix.toml": 'select = "ECS, TF2"\nunsafe-fixes = false\nterraform-version = "1.10"\n'})
    result = iacfix(".", "--check")
    assert result.exit_code == 1
    assert [line.split()[1] for line in result.stderr.splitlines()[:-1]] == ["ECS101", "TF203"]


def test_every_config_key_is_in_one_table():
    """Another setting is one more row of config.KEYS: the check reads nothing else."""
    from iacfix import config

    assert set(config.KEYS) == {
        "select", "extend-select", "ignore", "unsafe-fixes", "terraform-version", "per-file-ignores", "conventions"
    }
    assert all(callable(key.check) and key.meaning for key in config.KEYS.values())
    # and every key the engine reads from a configuration is one of them
    import re
    from pathlib import Path

    engine = Path(config.__file__).parent / "engine"
    read = {key for path in engine.glob("*.py") for key in re.findall(r'config(?:\.get\(|\[)"([\w-]+)"', path.read_text())}
    assert read and read <= set(config.KEYS), read - set(config.KEYS)


# -- 3, 4, 5, 9. writes keep what users have ------------------------------------------------------

EIP_FIXED = 'resource "aws_eip" "a" {\n  domain = "vpc"\n}\n'


def _leftovers(root: Path) -> list[str]:
    from iacfix.files import is_leftover

    return sorted(str(p.relative_to(root)) for p in root.rglob(".*") if is_leftover(p.name))


def test_write_fixes_the_file_a_symlink_points_at_and_keeps_hard_links(project):
    """os.replace on the link path turned the link into a plain file (the target stayed
    unfixed) and gave a hard-linked file a new inode (the other link kept the old text)."""
    root = project({"real/eip.tf": EIP, "proj/hard.tf": EIP})
    (root / "proj/eip.tf").symlink_to("../real/eip.tf")
    os.link(root / "proj/hard.tf", root / "real/hard_other.tf")
    result = iacfix("proj", "--write")
    assert (result.exit_code, result.stderr) == (0, "Fixed 2 findings in 2 files.\n")
    assert (root / "proj/eip.tf").is_symlink() and os.readlink(root / "proj/eip.tf") == "../real/eip.tf"
    assert (root / "real/eip.tf").read_text() == EIP_FIXED
    hard, other = os.stat(root / "proj/hard.tf"), os.stat(root / "real/hard_other.tf")
    assert (hard.st_ino, hard.st_nlink) == (other.st_ino, 2)
    assert (root / "real/hard_other.tf").read_text() == EIP_FIXED
    assert _leftovers(root) == []


def test_write_keeps_the_mode_of_the_file(project):
    root = project({"main.tf": EIP})
    (root / "main.tf").chmod(0o640)
    assert iacfix(".", "--write").exit_code == 0
    assert stat.S_IMODE(os.stat(root / "main.tf").st_mode) == 0o640


def test_a_file_edited_during_the_run_is_not_overwritten_nor_its_project(project, monkeypatch):
    """Nothing checked that a file still held what was read: the edit was lost."""
    from iacfix import engine

    root = project({"main.tf": SERVICE, "eip.tf": EIP, "other/main.tf": EIP})
    real_run = engine.run

    def run_then_someone_edits(*args, **kwargs):
        result = real_run(*args, **kwargs)
        (root / "main.tf").write_text(SERVICE + "# edited meanwhile\n")
        return result

    monkeypatch.setattr(engine, "run", run_then_someone_edits)
    result = iacfix(".", "--write")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "main.tf:1: error: changed since iacfix read it: not written (nor the rest of its project); run iacfix again"
    assert lines[-1] == "Fixed 1 finding in 1 file; 2 not written (see the errors above)."
    assert (root / "main.tf").read_text() == SERVICE + "# edited meanwhile\n"
    assert (root / "eip.tf").read_text() == EIP  # same module: together or not at all
    assert (root / "other/main.tf").read_text() == EIP_FIXED  # another module: written
    assert _leftovers(root) == []


def _unwritable(monkeypatch, folder_name: str) -> None:
    """Creating files in `folder_name` fails as in a read-only folder (the tests may run as
    root, whom a folder's mode does not stop)."""
    from iacfix import writes

    real_open = os.open

    def guarded_open(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and Path(path).parent.name == folder_name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(writes.os, "open", guarded_open)


def test_a_failed_write_is_reported_as_not_fixed_in_every_format(project, monkeypatch):
    """A read-only folder: "cannot write: Permission denied", then "Fixed 1 finding" and
    `"fixed": true` in the JSON."""
    import json

    root = project({"ro/main.tf": SERVICE, "rw/main.tf": EIP})
    _unwritable(monkeypatch, "ro")
    text = iacfix(".", "--write")
    assert text.exit_code == 2
    assert text.stderr.splitlines() == [
        "ro/main.tf:1: error: cannot write: Permission denied; nothing of its project was written",
        "ro/main.tf:1:1: ECS101 ECS service `app` has no desired count, so it runs 0 tasks (the provider default); "
        "set to 2 (two tasks for availability)",
        "Fixed 1 finding in 1 file; 1 not written (see the errors above).",
    ]
    assert (root / "ro/main.tf").read_text() == SERVICE and (root / "rw/main.tf").read_text() == EIP_FIXED
    (root / "rw/main.tf").write_text(EIP)

    as_json = json.loads(iacfix(".", "--write", "--output-format", "json").stdout)
    assert {f["path"]: f["fixed"] for f in as_json["findings"]} == {"ro/main.tf": False, "rw/main.tf": True}
    assert as_json["changed_files"] == ["rw/main.tf"]
    (root / "rw/main.tf").write_text(EIP)

    sarif = json.loads(iacfix(".", "--write", "--output-format", "sarif").stdout)
    (run,) = sarif["runs"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == ["ro/main.tf"]
    assert run["invocations"][0]["executionSuccessful"] is False


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_not_written(project):
    root = project({"ro/main.tf": SERVICE})
    (root / "ro").chmod(0o555)
    try:
        result = iacfix(".", "--write")
    finally:
        (root / "ro").chmod(0o755)
    assert result.exit_code == 2
    assert "ro/main.tf:1: error: cannot write: Permission denied" in result.stderr
    assert result.stderr.splitlines()[-1] == "Fixed 0 findings in 0 files; 1 not written (see the errors above)."


def test_the_bot_does_not_count_a_fix_it_could_not_write(monkeypatch, tmp_path):
    """The bot shares the CLI's writing: a project it could not write has no fixed findings."""
    from iacfix import engine, writes

    (tmp_path / "ro").mkdir()
    (tmp_path / "ro/main.tf").write_text(SERVICE)
    _unwritable(monkeypatch, "ro")
    result = engine.run([tmp_path], engine.Options(), tmp_path)
    applied = writes.apply(result)
    assert (applied.changes, [f.code for f in applied.unwritten]) == ([], ["ECS101"])
    assert [e.message for e in applied.errors] == ["cannot write: Permission denied; nothing of its project was written"]


KILLED_WRITE = textwrap.dedent(
    """\
    import os, sys
    from iacfix import writes
    from iacfix.cli import main

    stop_after, how = int(sys.argv[1]), sys.argv[2]
    real_replace, real_stage = writes._replace, writes._stage
    done = {"staged": 0, "replaced": 0}

    def replace(replacement):
        if how == "kill" and done["replaced"] == stop_after:
            os._exit(137)  # as SIGKILL: no cleanup runs
        done["replaced"] += 1
        real_replace(replacement)

    def stage(source, data):
        if how == "term" and done["staged"] == stop_after:
            os.kill(os.getpid(), 15)
        done["staged"] += 1
        return real_stage(source, data)

    writes._replace, writes._stage = replace, stage
    sys.argv = ["iacfix", ".", "--write"]
    main()
    """
)


def _seven_file_module(root: Path) -> dict[str, str]:
    files = {f"part{i}.tf": EIP.replace('"a"', f'"a{i}"') for i in range(7)}
    for name, text in files.items():
        (root / name).write_text(text)
    return files


def test_a_write_killed_midway_is_finished_by_the_next_run(tmp_path):
    """A killed --write left 5 of 7 files fixed and stray temporary files."""
    files = _seven_file_module(tmp_path)
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITE, "5", "kill"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "IACFIX_CACHE_DIR": ""})
    assert killed.returncode == 137
    fixed = [name for name in files if "domain" in (tmp_path / name).read_text()]
    assert len(fixed) == 5 and len(_leftovers(tmp_path)) == 3  # the journal and two staged files
    after = iacfix_process(".", "--check", cwd=tmp_path)
    assert after.returncode == 0, after.stderr
    assert after.stderr.count("note: written now: an iacfix run stopped while writing its project's fixes") == 2
    assert all("domain" in (tmp_path / name).read_text() for name in files)
    assert _leftovers(tmp_path) == []


def test_a_write_terminated_before_its_journal_changes_nothing_and_leaves_nothing(tmp_path):
    files = _seven_file_module(tmp_path)
    terminated = subprocess.run([sys.executable, "-c", KILLED_WRITE, "3", "term"], cwd=tmp_path, capture_output=True,
                                text=True, env={**os.environ, "IACFIX_CACHE_DIR": ""})
    assert terminated.returncode == -15  # ended by the signal, as without iacfix's handler
    assert all((tmp_path / name).read_text() == text for name, text in files.items())
    assert _leftovers(tmp_path) == []


def test_what_a_dead_process_staged_is_removed_and_a_live_one_is_left(tmp_path):
    (tmp_path / "main.tf").write_text(EIP)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stray = tmp_path / f".main.tf.iacfix-{dead.stdout.strip()}-0badcafe.tmp"
    draft = tmp_path / f".iacfix-journal-{dead.stdout.strip()}-0badcafe.json.draft"  # stopped before committing
    live = tmp_path / f".main.tf.iacfix-{os.getppid()}-0badcafe.tmp"
    stray.write_text("half"), draft.write_text("{"), live.write_text("busy")
    assert iacfix_process(".", "--check", cwd=tmp_path).returncode == 1
    assert (stray.exists(), draft.exists(), live.exists()) == (False, False, True)
    assert (tmp_path / "main.tf").read_text() == EIP


# -- 6. discovery: special files are never opened, unreadable folders are errors ----------------


def test_a_fifo_named_like_a_source_file_is_an_error_and_never_opened(tmp_path):
    """A FIFO *.tf hung a folder walk forever; named on the command line it was skipped with
    exit code 0."""
    (tmp_path / "main.tf").write_text(EIP)
    os.mkfifo(tmp_path / "pipe.tf")
    walked = iacfix_process(".", "--check", cwd=tmp_path)
    named = iacfix_process("pipe.tf", cwd=tmp_path)
    assert walked.returncode == named.returncode == 2
    assert walked.stderr.splitlines()[0] == named.stderr.splitlines()[0] == "pipe.tf:1: error: cannot read: a FIFO, not a source file"
    assert ("main.tf:2:3: " + EIP_FINDING) in walked.stderr


def test_an_unreadable_folder_is_an_error(project, monkeypatch):
    project({"ok/main.tf": EIP, "locked/main.tf": EIP})
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = iacfix(".", "--check")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "locked:1: error: cannot read folder: Permission denied"
    assert ("ok/main.tf:2:3: " + EIP_FINDING) in result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_a_folder_without_read_permission_is_an_error(project):
    root = project({"ok/main.tf": EIP, "locked/main.tf": EIP})
    (root / "locked").chmod(0)
    try:
        result = iacfix(".", "--check")
    finally:
        (root / "locked").chmod(0o755)
    assert result.exit_code == 2 and "locked:1: error: cannot read folder: Permission denied" in result.stderr


def test_folders_linked_in_a_loop_are_walked_once(project):
    root = project({"a/main.tf": EIP})
    (root / "a/loop").symlink_to("..")
    result = iacfix(".", "--check")
    assert result.exit_code == 1 and result.stderr.count(EIP_FINDING) == 1


# -- 7. diffs git apply accepts --------------------------------------------------------------------


def _tricky_tree(root: Path) -> list[Path]:
    files = {
        "work/bom.tf": b"\xef\xbb\xbf" + EIP.encode(),
        "work/crlf.tf": EIP.replace("\n", "\r\n").encode(),
        "work/bom_crlf.tf": b"\xef\xbb\xbf" + EIP.replace("\n", "\r\n").encode(),
        "work/no_newline/main.tf": EIP.rstrip("\n").encode(),
        "work/real/linked.tf": EIP.encode(),
        "elsewhere/main.tf": EIP.encode(),
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "work/link").mkdir()
    (root / "work/link/linked.tf").symlink_to("../real/linked.tf")
    return [Path(rel) for rel in files]


@pytest.mark.parametrize("outside", [False, True], ids=["inside", "outside"])
def test_every_diff_applies_with_git_and_gives_what_write_writes(tmp_path, outside):
    """Byte-order marks (the context lines dropped them), CRLF, no final newline, a symlink, and
    files outside the folder iacfix runs in (`a//abs/...`, `a/../x`) made diffs git refused."""
    previewed, written = tmp_path / "previewed", tmp_path / "written"
    files = _tricky_tree(previewed)
    _tricky_tree(written)
    paths = ["bom.tf", "crlf.tf", "bom_crlf.tf", "no_newline", "link"] + (["../elsewhere"] if outside else [])

    dry_run = iacfix_process(*paths, cwd=previewed / "work")
    assert dry_run.returncode == 1 and dry_run.stdout.count("diff --git") == len(paths)
    assert "a//" not in dry_run.stdout and "a/.." not in dry_run.stdout
    assert ("apply it there, `git -C / apply`" in dry_run.stderr) is outside
    apply_in = ["git", "-C", "/", "apply", "-"] if outside else ["git", "apply", "-"]
    applied = subprocess.run(apply_in, input=dry_run.stdout.encode("utf-8"), cwd=previewed / "work", capture_output=True)
    assert applied.returncode == 0, applied.stderr

    assert iacfix_process(*paths, "--write", cwd=written / "work").returncode == 0
    for rel in files:
        assert (previewed / rel).read_bytes() == (written / rel).read_bytes(), rel
    assert (previewed / "work/link/linked.tf").is_symlink() and (written / "work/link/linked.tf").is_symlink()


# -- 8. memory bounded by a small multiple of the source ------------------------------------------


def test_tree_sitter_reads_a_big_file_a_piece_at_a_time(monkeypatch):
    """Its tree (60 bytes per byte) and the Python objects of its nodes (90 more) were held for
    the whole file: a 5 MB file took 750 MB to parse."""
    import tree_sitter

    from iacfix.backends import hcl, hcl_fast

    text = "".join(f'resource "aws_eip" "e{i}" {{\n  domain = "vpc"\n  tags = {{ Name = "e{i}" }}\n}}\n\n' for i in range(20_000))
    seen = []  # bytes given to tree-sitter at once
    real_parser = tree_sitter.Parser

    class Recording:
        def __init__(self, language):
            self.inner, self.language, self.included_ranges = real_parser(language), language, []

        def parse(self, data):
            self.inner.included_ranges = self.included_ranges or self.inner.included_ranges
            seen.append(self.included_ranges[0].end_byte - self.included_ranges[0].start_byte if self.included_ranges else len(data))
            return self.inner.parse(data)

    monkeypatch.setattr(tree_sitter, "Parser", Recording)
    monkeypatch.setattr(hcl_fast, "_parser", Recording(hcl_fast._get_parser().language))
    blocks = hcl_fast.blocks(text, hcl.Block, hcl.Attribute, hcl._string_value)
    assert len(blocks) == 20_000 and blocks[-1].labels == ["aws_eip", "e19999"]
    assert len(seen) > 1 and max(seen) < 2 * hcl_fast.PIECE_BYTES
    monkeypatch.setattr(hcl_fast, "PIECE_BYTES", 1 << 30)
    assert hcl_fast.blocks(text, hcl.Block, hcl.Attribute, hcl._string_value) == blocks  # the same as whole


def test_a_piece_cut_inside_a_heredoc_is_read_with_the_pieces_after_it(monkeypatch):
    from iacfix.backends import hcl, hcl_fast

    script = "".join(f'}}\nresource "x" "in_script_{i}" {{\n' for i in range(50))  # looks like block starts
    text = 'locals {\n  a = 1\n}\n\nresource "aws_instance" "a" {\n  user_data = <<EOF\n' + script + "EOF\n}\n\nlocals {\n  b = 2\n}\n"
    monkeypatch.setattr(hcl_fast, "PIECE_BYTES", 16)
    blocks = hcl_fast.blocks(text, hcl.Block, hcl.Attribute, hcl._string_value)
    assert [b.type for b in blocks] == ["locals", "resource", "locals"]
    monkeypatch.setattr(hcl_fast, "PIECE_BYTES", 1 << 30)
    assert hcl_fast.blocks(text, hcl.Block, hcl.Attribute, hcl._string_value) == blocks


def test_the_formatter_is_given_a_big_file_in_pieces(tmp_path, monkeypatch):
    """hclwrite held 145 bytes per byte of a 5 MB file given whole, in the Node worker."""
    from iacfix.backends import hcl_format, node

    sizes = []
    real_fmt = node.TsWorker.fmt
    monkeypatch.setattr(node.TsWorker, "fmt", lambda self, text: sizes.append(len(text)) or real_fmt(self, text))
    monkeypatch.setattr(hcl_format, "PIECE_CHARS", 4096)
    monkeypatch.setenv("IACFIX_CACHE_DIR", "")  # the formatter's cache would answer an earlier run's text
    (tmp_path / "main.tf").write_text("".join(f'resource "aws_eip" "e{i}" {{\n    domain = "vpc"\n}}\n\n' for i in range(2000)))
    result = iacfix_in_process(tmp_path, "--select", "TF001", "--write")
    assert result.exit_code == 0, result.stderr
    assert len(sizes) > 10 and max(sizes) < 2 * 4096
    assert (tmp_path / "main.tf").read_text().startswith('resource "aws_eip" "e0" {\n  domain = "vpc"\n}\n')


def iacfix_in_process(root: Path, *args):
    cwd = Path.cwd()
    os.chdir(root)
    try:
        return iacfix(".", *args)
    finally:
        os.chdir(cwd)


def test_the_diff_of_a_small_fix_in_a_big_file_is_quick():
    """The preview of each unsafe fix diffed the whole file with difflib: ASG101 took 150 s on a
    5 MB file."""
    import time

    from iacfix.diff import unified_diff

    before = "".join(f"line {i}\n" for i in range(200_000))
    after = before.replace("line 100000\n", "line 100000\nadded\n")
    start = time.perf_counter()
    diff = unified_diff("main.tf", before, after)
    assert time.perf_counter() - start < 2
    assert diff.splitlines()[3:] == (
        ["@@ -99999,6 +99999,7 @@"] + [f" line {i}" for i in range(99998, 100001)] + ["+added"] + [f" line {i}" for i in range(100001, 100004)]
    )


def test_the_diff_of_changes_all_over_a_big_file_is_quick_and_applies(tmp_path):
    """TF001 changes lines from the top of a file to its bottom: difflib compared every line of
    what lay between with every other (a 5 MB file's diff took more than a minute). The lines
    found once on each side anchor it now."""
    import subprocess
    import time

    from iacfix.diff import unified_diff

    before = "".join(f'resource "aws_eip" "e{i}" {{\n    domain = "vpc"\n}}\n\n' for i in range(30_000))
    after = before.replace('    domain = "vpc"\n}\n\nresource "aws_eip" "e1', '  domain = "vpc"\n}\n\nresource "aws_eip" "e1')
    start = time.perf_counter()
    diff = unified_diff("main.tf", before, after)
    assert time.perf_counter() - start < 5
    (tmp_path / "main.tf").write_text(before)
    subprocess.run(["patch", "-s", "-p1"], input=diff, text=True, cwd=tmp_path, check=True)
    assert (tmp_path / "main.tf").read_text() == after
    # the blocks before e1, e10-e19, e100-e199, ... changed: a hunk for each run of them
    assert diff.count("\n@@ ") == 5


def test_memory_per_byte_of_a_terraform_file(tmp_path):
    """bench/memory.py's measure, on half a megabyte: iacfix's own process peaks within a small
    multiple of the file above what a tiny file takes (73 bytes per byte here since the validity
    engine reads the provider schema of every resource type the file uses, a cost a bigger file
    spreads: 46 at 1 MB, 50 at 5 MB; before issue 21's work: 140 at 1 MB, 149 at 5 MB). The Node
    worker's share is bounded by the pieces the formatter is given (the test above)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        import memory
    finally:
        sys.path.pop(0)
    cache = tmp_path / "cache"
    tiny = 'resource "aws_eip" "a" {\n  domain = "vpc"\n}\n'
    memory.measure(tiny, cache)
    baseline = memory.measure(tiny, cache)
    text = memory.terraform_text(500_000)
    run = memory.measure(text, cache)
    size = len(text.encode())
    assert run["code"] in (0, 1)
    assert (run["iacfix"] - baseline["iacfix"]) / size < 80
