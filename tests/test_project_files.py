"""package.json and GitHub Actions workflows as files of a CDKTF project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacfix import engine
from iacfix.backends.base import SourceSyntaxError
from iacfix.backends.project_files import JsonFile, YamlFile
from iacfix.files import read_markdown, read_source
from iacfix.textedit import apply_edits

PACKAGE = '{\n  "name": "app",\n  "dependencies": {\n    "cdktf": "^0.21.0",\n    "constructs": "^10.4.2"\n  }\n}\n'


def _add(text: str, key: str, entries: dict[str, str]) -> str:
    file = JsonFile(Path("/p/package.json"), text)
    out = apply_edits(text, file.add_dependencies(key, entries))
    json.loads(out)
    return out


def test_dependency_lines_go_in_sorted_position_in_the_files_style():
    out = _add(PACKAGE, "dependencies", {"@aws-sdk/client-s3": "^3.0.0", "aws-lambda": "^1.0.7", "zod": "^3.0.0"})
    assert out == (
        '{\n  "name": "app",\n  "dependencies": {\n    "@aws-sdk/client-s3": "^3.0.0",\n    "aws-lambda": "^1.0.7",\n'
        '    "cdktf": "^0.21.0",\n    "constructs": "^10.4.2",\n    "zod": "^3.0.0"\n  }\n}\n'
    )


def test_missing_or_empty_or_inline_section():
    assert _add('{\n    "name": "x"\n}\n', "dependencies", {"a": "1"}) == '{\n    "name": "x",\n    "dependencies": {\n        "a": "1"\n    }\n}\n'
    assert _add('{\n  "dependencies": {}\n}\n', "dependencies", {"a": "1"}) == '{\n  "dependencies": {\n    "a": "1"\n  }\n}\n'
    assert _add('{"dependencies": {"b": "1"}}', "dependencies", {"a": "1", "c": "2"}) == '{"dependencies": {"a": "1", "b": "1", "c": "2"}}'


def test_broken_files_do_not_parse():
    with pytest.raises(SourceSyntaxError):
        JsonFile(Path("/p/package.json"), '{"a": 1,}')
    with pytest.raises(SourceSyntaxError):
        YamlFile(Path("/w.yml"), "jobs:\n  a: [\n")


def test_workflow_scripts_with_their_spans():
    text = "jobs:\n  a:\n    steps:\n      - run: npx cdk synth\n      - run: |\n          npm ci\n          cdktf deploy\n"
    scripts = YamlFile(Path("/w.yml"), text).scripts()
    assert [s.text for s in scripts] == ["npx cdk synth", "|\n          npm ci\n          cdktf deploy\n"]
    assert [text[slice(*s.span)] for s in scripts] == [s.text for s in scripts] and scripts[0].line == 4


def test_discovery_brings_package_json_and_the_repository_workflows(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yml").write_text("jobs:\n  a:\n    steps:\n      - run: echo\n")
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "cdktf.json").write_text('{"language": "typescript"}')
    (app / "package.json").write_text(PACKAGE)
    (app / "lib/main.ts").write_text("export const x = 1;\n")
    for given in ([app], [app / "lib/main.ts"], [tmp_path]):
        ws, errors = engine.load(given, tmp_path)
        [project] = engine.group_projects(ws)
        assert errors == [] and project.flavour == "cdktf-ts" and project.root == app
        assert sorted(p.name for p in project.files) == ["ci.yml", "main.ts", "package.json"]
    ws, _ = engine.load([tmp_path / ".github/workflows/ci.yml"], tmp_path)
    assert [(p.root, p.flavour) for p in engine.group_projects(ws)] == [(app, "cdktf-ts")]


def test_markdown_package_json_and_workflow_blocks(tmp_path):
    answer = tmp_path / "answer.md"
    answer.write_text(
        "## package.json\n\n```json\n" + PACKAGE + "```\n\n```json\n{\"compilerOptions\": {}}\n```\n\n"
        "### .github/workflows/deploy.yml\n\n```yaml\non: push\njobs:\n  a:\n    steps:\n      - run: npx cdk deploy\n```\n\n"
        "```json\n{\n  // comments: a sketch\n}\n```\n"
    )
    files, problems = read_markdown(read_source(answer, tmp_path))
    assert [(f.origin.block.name, f.language) for f in files] == [("package.json", "json"), (".github/workflows/deploy.yml", "yaml")]
    assert problems == []
