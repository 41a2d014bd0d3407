"""Big trees run their projects in a process pool: the same findings, fixes and errors as one
process, and the progress callback sees the run through."""

from __future__ import annotations

from pathlib import Path

from iacfix import engine
from iacfix.engine import pool

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
    assert pool.workers_for(None, workspace, engine.group_projects(workspace)) == 1
    assert pool.workers_for(2, workspace, engine.group_projects(workspace)) == 2


def test_progress_reaches_the_end(tmp_path):
    _tree(tmp_path)
    seen = []
    engine.run([tmp_path], engine.Options(), tmp_path, progress=lambda done, total, what: seen.append((done, total, what)))
    assert seen[0][2] == "parsing" and seen[-1][0] == seen[-1][1] and seen[-1][2] == "rules"


def test_big_tree_in_one_process_runs_project_by_project(tmp_path, monkeypatch):
    # --jobs 1 on a big tree: one project at a time in this process (so the parses, and the Node
    # worker's files, of one project are held at a time), with what a single run gives.
    _tree(tmp_path)
    options = engine.Options(terraform_version="1.9.0")
    whole = engine.run([tmp_path], options, tmp_path, jobs=1)
    runs = []
    real_run_batch = pool.run_batch
    monkeypatch.setattr(pool, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(pool, "run_batch", lambda args: runs.append(args[0]) or real_run_batch(args))
    by_project = engine.run([tmp_path], options, tmp_path, jobs=1)
    assert len(runs) == 3
    assert _summary(by_project) == _summary(whole)


def test_a_run_lets_the_worker_drop_its_typescript_files(tmp_path):
    from iacfix.backends.node import WorkerError, get_worker

    (tmp_path / "cdktf.json").write_text('{"language": "typescript", "app": "npx ts-node main.ts"}')
    (tmp_path / "main.ts").write_text("const x: number = 1;\n")
    result = engine.run([tmp_path], engine.Options(), tmp_path)
    assert not result.findings
    worker = get_worker()
    try:
        worker.types(str(tmp_path / "main.ts"), [[18, 19]])
    except WorkerError as exc:
        assert "not parsed" in str(exc)
    else:
        raise AssertionError("the worker still holds main.ts after the run")
