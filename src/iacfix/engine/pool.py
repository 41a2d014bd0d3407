"""A big tree's projects, each run on its own: in a pool of processes, one per core, or one after
the other in this process. Either way a run holds one project's parses at a time (and so does
the Node worker, which a run tells to drop its files), not the whole tree's."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from iacfix.engine.projects import Project
from iacfix.engine.rule_loop import RuleTimer, run_project
from iacfix.engine.selection import Options
from iacfix.engine.workspace import NewSourceFile, Workspace, load
from iacfix.model import Finding, InputError

# Above this much source (and with two projects or more), the projects are shared out among
# processes, one per core: a process costs ~0.3 s to start (and its own Node worker for
# TypeScript), so small runs stay in this one.
PARALLEL_MIN_BYTES = 1_500_000


def workers_for(jobs: int | None, workspace: Workspace, projects: list[Project]) -> int:
    """How many processes: 1 for a small tree, a single project or markdown answers."""
    if len(projects) < 2 or workspace.answers:
        return 1
    if jobs is None:
        if not is_big(workspace):
            return 1
        jobs = os.cpu_count() or 1
    return max(1, min(jobs, len(projects)))


def is_big(workspace: Workspace) -> bool:
    return sum(len(t) for t in workspace.text.values()) >= PARALLEL_MIN_BYTES


BatchResult = tuple[list[Finding], list[InputError], dict[Path, str], list[tuple[Path, str, str]], list[Path]]


def run_batch(args: tuple[Project, Sequence, Options, Path, RuleTimer | None]) -> BatchResult:
    """In a pool process (or this one): read, parse and run the rules the project's selection
    enables over one project, taken as the parent grouped it (never grouped again, so a run here
    cannot split further)."""
    project, rules, options, cwd, rule_timer = args
    workspace, errors = load(project.files, cwd, parse=False)
    errors += workspace.parse_all()
    project = Project(project.root, project.flavour, [p for p in project.files if p in workspace.sources])
    findings = run_project(workspace, project, rules, options, errors, rule_timer=rule_timer)
    workspace.release()
    created = [(p, s.language, s.display) for p, s in workspace.sources.items() if isinstance(s, NewSourceFile)]
    unparsed = [p for p in args[0].files if p not in workspace.sources]
    return findings, errors, {p: workspace.text[p] for p in workspace.changed()}, created, unparsed


def run_projects(
    workspace: Workspace, projects: list[Project], rules: Sequence, options: Options, cwd: Path, workers: int, progress, rule_timer=None
):
    """Run each project as a run of its own; fold what they changed back into `workspace`.
    Returns (findings, errors). `rule_timer` is told the rule times of the projects run in this
    process (a pool's processes keep theirs)."""
    # biggest first, so that the last project to finish is a small one
    ordered = sorted(projects, key=lambda p: -sum(len(workspace.text[f]) for f in p.files))
    batches = [(p, rules, options, cwd, rule_timer if workers == 1 else None) for p in ordered]
    findings: list[Finding] = []
    errors: list[InputError] = []
    for done, (batch, result) in enumerate(_batch_results(batches, workers), 1):
        if result is None:  # its process died: one error, and nothing of it reported or written
            project = batch[0]
            where = project.files[0] if project.files else project.root
            errors.append(InputError(where, 1, "internal error: the process running this project stopped; please report"))
            result = [], [], {}, [], project.files
        batch_findings, batch_errors, texts, created, unparsed = result
        findings += batch_findings
        errors += batch_errors
        for path in unparsed:  # left out, as load() leaves out what does not parse
            workspace.sources.pop(path, None)
            workspace.text.pop(path, None)
        for path, language, display in created:
            workspace.create_file(path, language, display)
        for path, text in texts.items():
            workspace.text[path] = text
        if progress:
            progress(done, len(batches), "projects")
    return findings, errors


def _batch_results(batches: list, workers: int) -> Iterator[tuple[tuple, BatchResult | None]]:
    """(batch, run_batch of it) for every batch, as they finish: in a process pool, or here, one
    by one. None for a batch whose process died (a crash in native code): the batches a dying
    process takes down with it are run again each in a process of its own, so that only the
    one that kills its process is lost."""
    if workers == 1:
        yield from ((batch, run_batch(batch)) for batch in batches)
        return
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    crashed = []
    with _pool(workers) as pool:
        futures = {pool.submit(run_batch, batch): batch for batch in batches}
        for future in as_completed(futures):
            try:
                result = future.result()
            except BrokenProcessPool:
                crashed.append(futures[future])
                continue
            yield futures[future], result
    for batch in crashed:
        with _pool(1) as pool:
            try:
                result = pool.submit(run_batch, batch).result()
            except BrokenProcessPool:
                result = None
        yield batch, result


def _pool(workers: int):
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork is cheap and safe while this process runs no other thread (no Node worker yet)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))
