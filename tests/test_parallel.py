"""Big trees run their projects in a process pool: the same findings, fixes and errors as one
process, and the progress callback sees the run through."""

from __future__ import annotations

from pathlib import Path

from iacfix import engine

SERVICE = 'resource "aws_ecs_service" "app" {\n  name = "app"\n}\n'
BROKEN = 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n'


def _tree(root: Path) -> None:
    for i in range(3):
        (root / f"m{i}").mkdir()
        (root / f"m{i}" / "main.tf").write_text(SERVICE.replace("app", f"app{i}"))
    (root / "m1" / "broken.tf").write_text(BROKEN)


def _summary(result: engine.RunResult):
    return (
        [(f.path, f.line, f.code, f.message, f.fixable) for f in result.findings],
        sorted((e.path, e.line, e.message) for e in result.errors),
        [(s.path, text) for s, text in result.changes()],
        sorted(result.workspace.sources),
    )


def test_pool_gives_what_one_process_gives(tmp_path):
    _tree(tmp_path)
    options = engine.Options(terraform_version="1.9.0")
    one = engine.run([tmp_path], options, tmp_path, jobs=1)
    pooled = engine.run([tmp_path], options, tmp_path, jobs=2)
    assert one.findings and one.errors
    assert _summary(pooled) == _summary(one)


def test_small_trees_stay_in_this_process(tmp_path):
    _tree(tmp_path)
    workspace, _ = engine.load([tmp_path], tmp_path, parse=False)
    assert engine._jobs(None, workspace, engine.group_projects(workspace)) == 1
    assert engine._jobs(2, workspace, engine.group_projects(workspace)) == 2


def test_progress_reaches_the_end(tmp_path):
    _tree(tmp_path)
    seen = []
    engine.run([tmp_path], engine.Options(), tmp_path, progress=lambda done, total, what: seen.append((done, total, what)))
    assert seen[0][2] == "parsing" and seen[-1][0] == seen[-1][1] and seen[-1][2] == "rules"
