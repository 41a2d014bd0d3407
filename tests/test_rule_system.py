"""The ruff-like rule system: selection, config, suppression comments, unsafe fixes, phases."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from iacfix import engine
from iacfix.cli import app, explain_app, rules_app
from iacfix.rules import all_rules
from iacfix.model import Edit
from iacfix.rule import Rule

runner = CliRunner()
SERVICE = 'resource "aws_ecs_service" "app" {\n  name = "app"\n}\n'
LOCKFILE = 'terraform {\n  backend "s3" {\n    use_lockfile = true\n  }\n}\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def make(files):
        for rel, text in files.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text)
        return tmp_path

    return make


def codes(root, **options):
    return sorted(f.code for f in engine.run([root], engine.Options(**options), root).findings)


# -- suppression comments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        {"main.tf": SERVICE.replace("{\n", "{ # iacfix: ignore[ECS101]\n", 1)},
        {"main.tf": SERVICE.replace("{\n", "{ // iacfix: ignore\n", 1)},
        {
            "cdktf.json": '{"language": "typescript"}',
            "lib/a.ts": "import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';\n"
            "new EcsService(this, 's', { name: 'x' }); // iacfix: ignore[TF101, ECS101]\n",
        },
        {
            "cdktf.json": '{"language": "python"}',
            "lib/a.py": "from cdktf_cdktf_provider_aws.ecs_service import EcsService\n"
            'EcsService(self, "s", name="x")  # iacfix: ignore[ecs101]\n',
        },
    ],
)
def test_suppression_comment_on_the_line(project, files):
    root = project(files)
    assert codes(root, ignore=["IAC100"]) == []  # TF101 of the TypeScript one silences nothing: IAC100


def test_suppression_of_another_code_does_not_silence(project):
    root = project({"main.tf": SERVICE.replace("{\n", "{ # iacfix: ignore[TF101]\n", 1)})
    assert codes(root) == ["ECS101", "IAC100"]  # and the comment silences nothing


EIP = 'resource "aws_eip" "nat" {\n  vpc  = true\n  tags = {}\n}\n'  # TF203 on line 2, inside the block
LIFECYCLE = (
    'resource "aws_s3_bucket_lifecycle_configuration" "l" {\n  bucket = "b"\n\n  RULE_COMMENT\n'
    '  rule {\n    id     = "expire"\n    status = "Enabled"\n    expiration {\n      days = 30\n    }\n  }\n}\n'
)


@pytest.mark.parametrize(
    "text",
    [
        "# iacfix: ignore[TF203]\n" + EIP,  # above the block: the whole block
        "// iacfix: ignore[TF203]\n\n" + EIP,  # a blank line between is fine
        "# iacfix: ignore[TF2]\n" + EIP,  # a prefix
        EIP.replace("{\n", "{ # iacfix: ignore[TF203]\n", 1),  # on the block's first line
        EIP.replace("  vpc  = true\n", "  # iacfix: ignore[TF203]\n  vpc  = true\n"),  # the line above
        EIP.replace("  tags = {}\n", "  #checkov:skip=TF203:the provider is pinned to 4.x\n  tags = {}\n"),  # checkov's spelling
        "# a note\n# iacfix: ignore[TF203]\n" + EIP,  # comments above it
    ],
)
def test_suppression_of_a_block_or_the_line_above(project, text):
    root = project({"main.tf": text})
    assert codes(root, select=["TF203", "IAC100"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "# iacfix: ignore[TF203]\n\nlocals {}\n" + EIP,  # it covers the next line of code only
        EIP.replace("  tags = {}\n", "  tags = {} # iacfix: ignore[TF203]\n"),  # a line's comment covers that line
        EIP.replace("  tags = {}\n", "  #checkov:skip=CKV_AWS_20:not ours\n  tags = {}\n"),  # checkov's own check
    ],
)
def test_suppression_that_does_not_reach(project, text):
    root = project({"main.tf": text})
    assert "TF203" in codes(root, select=["TF203"])


def test_suppression_of_a_nested_block(project):
    root = project({"main.tf": LIFECYCLE.replace("RULE_COMMENT", "# iacfix: ignore[TF201]")})
    assert codes(root, select=["TF201", "IAC100"]) == []
    root = project({"main.tf": LIFECYCLE.replace("RULE_COMMENT", "")})
    assert codes(root, select=["TF201"]) == ["TF201"]


@pytest.mark.parametrize(
    "files",
    [
        {
            "cdktf.json": '{"language": "typescript"}',
            "lib/a.ts": "import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';\n"
            "// iacfix: ignore[CACHE101]\n"
            "new ElasticacheReplicationGroup(this, 'r', {\n  description: 'r',\n  atRestEncryptionEnabled: true,\n});\n",
        },
        {
            "cdktf.json": '{"language": "python"}',
            "lib/a.py": "from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup\n"
            "# iacfix: ignore[CACHE101]\n"
            'ElasticacheReplicationGroup(\n    self,\n    "r",\n    description="r",\n    at_rest_encryption_enabled=True,\n)\n',
        },
    ],
)
def test_suppression_of_a_construct(project, files):
    root = project(files)
    assert codes(root, select=["CACHE101", "IAC100"]) == []
    for path, text in files.items():  # without the comment, the rule finds it
        (root / path).write_text(text.replace("// iacfix: ignore[CACHE101]\n", "").replace("# iacfix: ignore[CACHE101]\n", ""))
    assert codes(root, select=["CACHE101"]) == ["CACHE101"]


def test_a_silenced_finding_is_not_fixed(project):
    root = project({"main.tf": "# iacfix: ignore[TF203]\n" + EIP})
    result = engine.run([root], engine.Options(select=["TF203"]), root)
    assert result.findings == [] and result.changes() == []


def test_per_file_ignores(project):
    root = project(
        {
            "main.tf": SERVICE,
            "legacy/old.tf": SERVICE.replace('"app"', '"old"'),
            "legacy/deep/older.tf": SERVICE.replace('"app"', '"older"'),
            ".iacfix.toml": '[per-file-ignores]\n"legacy/*.tf" = ["ECS"]\n"older.tf" = ["ALL"]\n',
        }
    )
    found = engine.run([root], engine.Options(select=["ECS101"]), root).findings
    assert sorted(f.path.relative_to(root).as_posix() for f in found) == ["main.tf"]
    assert codes(root / "legacy", select=["ECS101"]) == []  # the config's folder, not the one checked, anchors them


@pytest.mark.parametrize("value", ['"*.tf"', '{ "*.tf" = 3 }'])
def test_per_file_ignores_of_the_wrong_shape_are_config_errors(project, value):
    root = project({"main.tf": SERVICE, ".iacfix.toml": f"per-file-ignores = {value}\n"})
    result = runner.invoke(app, [str(root)])
    assert result.exit_code == 2 and "per-file-ignores" in result.stderr


def test_the_readme_suppression_example_silences_what_it_says(project):
    from conftest import REPO

    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("**Suppressing findings.**") :]
    example = section[section.index("```hcl\n") + len("```hcl\n") : section.index("```\n", section.index("```hcl\n") + 7)]
    root = project({"main.tf": example})
    assert {"TF203", "ECS101", "RDS101"} <= {r.code for r in all_rules()}
    bare = project({"bare.tf": example.replace("iacfix: ignore", "a note").replace("checkov:skip", "a note")})
    assert {"TF203", "ECS101", "RDS101"} <= set(codes(bare, select=["TF203", "ECS101", "RDS101"]))
    (bare / "bare.tf").unlink()
    assert codes(root, select=["TF203", "ECS101", "RDS101", "IAC100"]) == []


# -- unused suppressions (IAC100) -----------------------------------------------------------------


def _findings(root, **options):
    return [(f.code, f.line, f.message) for f in engine.run([root], engine.Options(**options), root).findings]


def test_an_unused_suppression_is_reported_and_removed(project):
    root = project({"main.tf": SERVICE.replace("{\n", "{ # iacfix: ignore[TF203]\n", 1) + "# iacfix: ignore\nlocals {}\n"})
    found = _findings(root, select=["ECS101", "TF203", "IAC100"])
    assert [f for f in found if f[0] == "IAC100"] == [
        ("IAC100", 1, "`# iacfix: ignore[TF203]` is unused: TF203 silenced nothing"),
    ]  # the bare one is not judged: not every default rule ran
    result = runner.invoke(app, [str(root), "--write", "--select", "ECS101,TF203,IAC100"])
    assert result.exit_code == 0, result.output
    assert (root / "main.tf").read_text().startswith('resource "aws_ecs_service" "app" {\n  name          = "app"\n')
    assert "# iacfix: ignore\nlocals {}\n" in (root / "main.tf").read_text()
    found = _findings(root)  # every default rule: the bare comment silences nothing either
    assert found == [("IAC100", 5, "`# iacfix: ignore` is unused: it silenced nothing")]
    assert runner.invoke(app, [str(root), "--write"]).exit_code == 0
    assert (root / "main.tf").read_text().endswith("  desired_count = 2\n}\nlocals {}\n")


def test_only_the_unused_codes_are_removed(project):
    root = project({"main.tf": SERVICE.replace("{\n", "{ # iacfix: ignore[TF203, ECS101, NOPE9]\n", 1)})
    found = _findings(root, select=["ECS101", "TF203", "IAC100"])
    assert found == [("IAC100", 1, "`# iacfix: ignore[TF203, ECS101, NOPE9]` is unused: TF203 silenced nothing; NOPE9 is not a rule code")]
    assert runner.invoke(app, [str(root), "--write", "--select", "ECS101,TF203,IAC100"]).exit_code == 0
    assert (root / "main.tf").read_text() == SERVICE.replace("{\n", "{ # iacfix: ignore[ECS101]\n", 1)


def test_a_suppression_of_a_rule_that_did_not_run_is_kept(project):
    root = project({"main.tf": SERVICE.replace("{\n", "{ # iacfix: ignore[SG101]\n", 1)})  # SG101: opt-in
    assert "IAC100" not in codes(root)
    assert "IAC100" in codes(root, extend_select=["SG101"])  # it ran and found nothing


def test_unused_checkov_skips_of_iacfix_codes_are_removed_whole(project):
    text = EIP.replace("  tags = {}\n", "  #checkov:skip=TF205:old reason\n  tags = {}\n")
    root = project({"main.tf": text})
    assert _findings(root, select=["TF205", "IAC100"]) == [
        ("IAC100", 3, "`#checkov:skip=TF205:old reason` is unused: TF205 silenced nothing")
    ]
    assert runner.invoke(app, [str(root), "--write", "--select", "TF205,IAC100"]).exit_code == 0
    assert (root / "main.tf").read_text() == EIP


# -- selection from the command line and from config ----------------------------------------------


def test_config_select_and_ignore_and_cli_precedence(project):
    root = project({"main.tf": SERVICE + LOCKFILE, ".iacfix.toml": 'ignore = ["TF"]\n'})
    assert codes(root) == ["ECS101"]
    assert codes(root, ignore=[]) == ["ECS101", "TF101"]  # the command line wins
    (root / ".iacfix.toml").write_text('select = ["TF101"]\n')
    assert codes(root) == ["TF101"]
    (root / ".iacfix.toml").unlink()
    (root / "pyproject.toml").write_text('[tool.iacfix]\nselect = ["ECS"]\n')
    assert codes(root) == ["ECS101"]


# -- opt-in rules (Rule.default = False): only when a selection names them --------------------------

# A database whose group allows all egress: SG101 (opt-in) reports it, TF204 (default) its snapshot.
OPEN_DB = """\
resource "aws_security_group" "db" {
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "db" {
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  vpc_security_group_ids = [aws_security_group.db.id]
}
"""


def test_opt_in_rules_are_the_two_measured_ones():
    assert sorted(r.code for r in all_rules() if not r.default) == ["S3101", "SG101"]


@pytest.mark.parametrize(
    "options,expected",
    [
        ({}, ["TF204"]),  # the default selection leaves SG101 out
        ({"select": ["SG101"]}, ["SG101"]),
        ({"select": ["SG"]}, ["SG101"]),  # a prefix names it
        ({"select": ["ALL"]}, ["SG101", "TF204"]),
        ({"select": ["TF"]}, ["TF204"]),  # a selection that does not name it
        ({"extend_select": ["sg101"]}, ["SG101", "TF204"]),  # added to the defaults
        ({"select": ["TF204"], "extend_select": ["SG101"]}, ["SG101", "TF204"]),
        ({"extend_select": ["SG101"], "ignore": ["SG"]}, ["TF204"]),  # ignore wins
        ({"select": ["ALL"], "ignore": ["SG101"]}, ["TF204"]),
    ],
)
def test_opt_in_rule_runs_only_when_selected(project, options, expected):
    root = project({"main.tf": OPEN_DB})
    assert codes(root, **options) == expected


def test_opt_in_rule_selected_by_config(project):
    root = project({"main.tf": OPEN_DB, ".iacfix.toml": 'extend-select = ["SG101"]\n'})
    assert codes(root) == ["SG101", "TF204"]
    assert codes(root, select=["TF"]) == ["TF204"]  # a command-line select replaces the config's selection
    assert codes(root, ignore=["SG101"]) == ["TF204"]
    (root / ".iacfix.toml").write_text('select = "SG101, TF2"\n')  # a string is one comma-separated list
    assert codes(root) == ["SG101", "TF204"]
    (root / ".iacfix.toml").unlink()
    (root / "pyproject.toml").write_text('[tool.iacfix]\nselect = ["SG101"]\n')
    assert codes(root) == ["SG101"]


def test_opt_in_rule_from_the_command_line(project):
    project({"main.tf": OPEN_DB})
    found = lambda *args: [line.split()[1] for line in runner.invoke(app, [".", "--check", *args]).stderr.splitlines()[:-1]]
    assert found() == ["TF204"]
    assert found("--extend-select", "SG101") == ["SG101", "TF204"]
    assert found("--select", "SG101") == ["SG101"]
    assert found("--extend-select", "SG", "--ignore", "SG101") == ["TF204"]
    result = runner.invoke(app, [".", "--extend-select", "SG9"])
    assert result.exit_code == 2 and "no rule code starts with 'SG9'" in result.output


def test_rules_and_explain_say_a_rule_is_opt_in():
    listing = {line.split()[0]: line for line in runner.invoke(rules_app, []).stdout.splitlines()}
    assert "data-store-egress-open (opt-in):" in listing["SG101"]
    assert "(opt-in)" not in listing["TF204"]
    explained = runner.invoke(explain_app, ["SG101"]).stdout
    assert "Opt-in: not in the default selection. Enable it with `--extend-select SG101`" in explained
    assert "Opt-in:" not in runner.invoke(explain_app, ["TF204"]).stdout


def test_broken_config_is_one_clear_error(project, monkeypatch):
    project({"main.tf": SERVICE, ".iacfix.toml": "select = [\n"})
    result = runner.invoke(app, ["."])
    assert result.exit_code == 2
    assert ".iacfix.toml: cannot read config" in result.output and "Traceback" not in result.output


# -- unsafe fixes and phases -----------------------------------------------------------------------


class AddsOutputs(Rule):
    """A scaffold: adds a file-level comment standing in for new infrastructure."""

    code, name, flavours, fix = "TEST9", "adds-outputs", ("terraform",), "unsafe"

    def check(self, ctx):
        for file in ctx.files():
            yield self.finding(ctx.resources()[0], "scaffold", [Edit(file.path, 0, 0, "# scaffold\n")])


class Formats(Rule):
    """Runs after every fix rule, whatever its code."""

    code, name, flavours, phase = "AAA1", "formats", ("terraform",), "format"
    seen: list[str] = []

    def check(self, ctx):
        Formats.seen.append(ctx.files()[0].text)
        return []


def test_unsafe_fix_is_shown_but_applied_only_on_request(project):
    root = project({"main.tf": SERVICE})
    result = engine.run([root], engine.Options(), root, rules=[AddsOutputs()])
    [finding] = result.findings
    assert not finding.fixable and result.changes() == []
    assert finding.preview.startswith("diff --git a/main.tf b/main.tf\n") and "+# scaffold\n" in finding.preview
    result = engine.run([root], engine.Options(unsafe_fixes=True), root, rules=[AddsOutputs()])
    assert result.findings[0].fixable and result.changes()[0][1].startswith("# scaffold\n")


def test_format_rules_run_after_fix_rules(project):
    root = project({"main.tf": SERVICE})
    Formats.seen.clear()
    engine.run([root], engine.Options(), root, rules=[Formats(), *all_rules()])
    assert Formats.seen == ['resource "aws_ecs_service" "app" {\n  name          = "app"\n  desired_count = 2\n}\n']


# -- rules and explain ----------------------------------------------------------------------------


def test_rules_lists_every_rule():
    result = runner.invoke(rules_app, [])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [r.code for r in all_rules()]


def test_explain_prints_docs_and_examples():
    result = runner.invoke(explain_app, ["tf101"])
    assert result.exit_code == 0
    assert result.stdout.startswith("TF101 (s3-backend-use-lockfile)")
    assert "Why:" in result.stdout and "--- terraform, before:" in result.stdout
    assert runner.invoke(explain_app, ["NOPE1"]).exit_code == 2


def test_subcommands_are_dispatched_by_the_real_entry_point():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "iacfix", "explain", "ECS101"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("ECS101 (ecs-service-desired-count)")


def test_a_run_leaves_the_cycle_collector_as_it_found_it(project):
    """engine.run collects less often while it runs (it allocates many acyclic objects), and
    gives the process its own thresholds back, after an error too."""
    import gc

    root = project({"main.tf": LOCKFILE})
    before = gc.get_threshold()
    gc.set_threshold(1000, 15, 12)
    try:
        seen = []
        engine.run([root], engine.Options(), root, rule_timer=lambda code, seconds: seen.append(gc.get_threshold()))
        assert seen and set(seen) == {engine.GC_THRESHOLD}
        assert gc.get_threshold() == (1000, 15, 12)
        with pytest.raises(AttributeError):  # not a rule: the run fails
            engine.run([root], engine.Options(), root, rules=[object()])
        assert gc.get_threshold() == (1000, 15, 12)
    finally:
        gc.set_threshold(*before)


def test_what_a_run_leaves_alive_is_not_left_for_a_young_collection():
    """The run's survivors (its parsed views) go to the oldest generation, so the next young
    collection does not look through them; objects the process froze itself stay frozen."""
    import gc

    root = SAMPLES / "terraform"
    options = engine.Options(terraform_version="1.9.0")
    engine.run([root], options, root)  # imports
    started = []

    def note(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(note)
    try:
        result = engine.run([root], options, root)
        after = [[] for _ in range(300)]  # what the caller allocates next
    finally:
        gc.callbacks.remove(note)
    assert started == [] and after
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        engine.run([root], options, root)
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()
    assert result.findings


@pytest.mark.parametrize("sample", ["terraform", "cdktf-py"])
def test_a_run_makes_no_reference_cycles(sample):
    """Nothing a run builds needs the cycle collector to be freed: a parsed file caught in a
    cycle (a closure that calls itself, say) would keep all it holds until a full collection."""
    import gc

    root = SAMPLES / sample
    engine.run([root], engine.Options(terraform_version="1.9.0"), root)  # imports, caches
    gc.collect()
    gc.disable()
    try:
        engine.run([root], engine.Options(terraform_version="1.9.0"), root)
        assert gc.collect() == 0
    finally:
        gc.enable()


# -- what a rule reads -----------------------------------------------------------------------------


def test_resources_of_one_type_follow_a_fix_between_passes(project):
    # ctx.resources("one type") is answered from an index of the project: a fix applied between
    # two passes of a rule (a new parse of the file) must show in the next answer.
    root = project({"main.tf": SERVICE, "other.tf": 'resource "aws_s3_bucket" "logs" {}\n'})
    workspace, _ = engine.load([root], root)
    [proj] = engine.group_projects(workspace)
    ctx = engine.Context(workspace, proj, engine.Options())
    assert [r.name for r in ctx.resources("aws_ecs_service")] == ["app"]
    assert ctx.resources("aws_ecs_service") == [r for r in ctx.resources() if r.type == "aws_ecs_service"]
    main = root / "main.tf"
    text = SERVICE + SERVICE.replace('"app"', '"web"')
    workspace.adopt(main, text, engine.parse_source("hcl", main, text))
    assert [r.name for r in ctx.resources("aws_ecs_service")] == ["app", "web"]
    assert [r.name for r in ctx.resources("aws_s3_bucket")] == ["logs"]
    ctx.resources("aws_ecs_service").clear()  # a rule's own copy
    assert len(ctx.resources("aws_ecs_service")) == 2
