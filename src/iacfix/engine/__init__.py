"""One run: load the files as a virtual tree, run the rules project by project, keep what parses.

How a run flows (docs/architecture.md says more):

1. `workspace.load` reads every file the paths name (a markdown answer as its code blocks) into a
   `Workspace`, the virtual tree; nothing on disk changes during a run.
2. `projects.group_projects` splits it into projects (CDKTF apps, Terraform modules).
3. For each project, `rule_loop.run_project` runs the rules its selection enables (`selection`),
   in order, each on the tree the previous ones left (`Context` is what a rule sees); a rule's
   edits are applied together and every file they change is parsed again: a fix that would
   break a file is dropped and reported instead of kept.
4. A big tree's projects run in a pool of processes (`pool`), each project as a run of its own.

The CLI writes the final texts (`RunResult.changes`).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from iacfix import parse_cache
from iacfix.engine.context import Context
from iacfix.engine.pool import is_big, run_projects, workers_for
from iacfix.engine.projects import Project, group_projects
from iacfix.engine.rule_loop import PHASES, RuleTimer, in_run_order, run_project
from iacfix.engine.selection import Options, ProjectSettings, matches
from iacfix.engine.workspace import NewSourceFile, Workspace, load, parse_source
from iacfix.files import SourceFile
from iacfix.model import Edit, Finding, InputError
from iacfix.textedit import apply_edits

__all__ = [
    "PHASES", "Context", "NewSourceFile", "Options", "Project", "ProjectSettings", "RunResult", "Workspace",
    "group_projects", "load", "matches", "parse_source", "run",
]


@dataclass
class RunResult:
    workspace: Workspace
    findings: list[Finding]
    errors: list[InputError]

    def changes(self) -> list[tuple[SourceFile, str]]:
        """(file, new text) for every file the fixes change, in path order.

        The blocks of a markdown answer are folded back into the answer: only the text between
        the fences of a changed block is replaced.
        """
        ws = self.workspace
        out: dict[Path, tuple[SourceFile, str]] = {}
        block_edits: dict[Path, list[Edit]] = defaultdict(list)
        for path in ws.changed():
            source = ws.sources[path]
            if source.origin is None:
                out[path] = (source, ws.text[path])
            else:
                answer, block = source.origin.markdown, source.origin.block
                block_edits[answer.path].append(Edit(answer.path, block.start, block.end, block.render(ws.text[path])))
        for path, edits in block_edits.items():
            answer = ws.answers[path]
            out[path] = (answer, apply_edits(answer.text, edits))
        return [out[p] for p in sorted(out)]

    def changes_by_project(self) -> list[list[tuple[SourceFile, str]]]:
        """`changes()` in groups that are written together or not at all: the files of one
        project (a markdown answer is one file, and a group of its own)."""
        project_of = {path: (p.root, p.flavour) for p in group_projects(self.workspace) for path in p.files}
        groups: dict[object, list[tuple[SourceFile, str]]] = defaultdict(list)
        for source, text in self.changes():
            groups[project_of.get(source.path, source.path)].append((source, text))
        return list(groups.values())

    def tree(self) -> list[tuple[SourceFile, str]]:
        """Every file read from a markdown answer with its text after the fixes (for --extract),
        and the blocks the fixes added to an answer (a created block nobody wrote into is left out)."""
        ws = self.workspace
        return [
            (s, ws.text[p])
            for p, s in sorted(ws.sources.items())
            if s.origin is not None and not (isinstance(s, NewSourceFile) and not ws.text[p])
        ]


def run(
    paths: Sequence[Path],
    options: Options,
    cwd: Path,
    rules: Sequence | None = None,
    jobs: int | None = None,
    progress=None,
    rule_timer: RuleTimer | None = None,
) -> RunResult:
    """Run the rules over the files and folders in `paths`.

    `rules`: None runs every rule the project's selection enables (command line and config);
    a list runs exactly those rules (a rule's own tests). Projects are independent, so a big
    tree's projects run in `jobs` processes (None: one per core, when the tree is big enough to
    be worth it). `progress(done, total, what)`, when given, is told how far the run is;
    `rule_timer(code, seconds)` is told what each rule took on each project.
    """
    with _fewer_collections():
        return _run(paths, options, cwd, rules, jobs, progress, rule_timer)


def _run(paths, options, cwd, rules, jobs, progress, rule_timer) -> RunResult:
    select = rules is None  # every rule, as each project's selection says
    workspace, errors = load(paths, cwd, parse=False)
    projects = group_projects(workspace)
    if select:
        workers = workers_for(jobs, workspace, projects)
        if workers > 1 or (len(projects) > 1 and not workspace.answers and is_big(workspace)):
            findings, more = run_projects(workspace, projects, _registry(), options, cwd, workers, progress, rule_timer)
            more.sort(key=lambda e: (str(e.path), e.line))
            return _result(workspace, findings, errors + more)
    if any(s.language == "typescript" and not parse_cache.known("typescript", s.text) for s in workspace.sources.values()):
        from iacfix.backends.node import get_worker

        get_worker().start()  # Node boots while the rules are imported
    ordered = in_run_order(_registry() if select else rules)
    errors += workspace.parse_all(progress)
    projects = group_projects(workspace)  # without the files that did not parse
    findings: list[Finding] = []
    total, done = len(ordered) * len(projects), 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, "rules")

    if progress:
        progress(0, total, "rules")
    for project in projects:
        findings += run_project(workspace, project, ordered, options, errors, select, rule_timer, step)
    workspace.release()
    return _result(workspace, findings, errors)


def _registry() -> list:
    """Every rule iacfix has, in run order."""
    from iacfix.rules import all_rules

    return in_run_order(all_rules())


def _result(workspace: Workspace, findings: list[Finding], errors: list[InputError]) -> RunResult:
    findings.sort(key=lambda f: (str(f.path), f.line, f.col, f.code))
    return RunResult(workspace, findings, errors)


# Parsing a tree builds hundreds of thousands of short-lived objects (ast nodes, view dicts) with
# no reference cycles among them; at Python's default threshold (a young collection every 700
# allocations) the cycle collector took about a fifth of a CDKTF Python run. It still runs, less
# often; the thresholds are the process's own again after the run.
GC_THRESHOLD = (50_000, 20, 20)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*(max(a, b) for a, b in zip(GC_THRESHOLD, before)))
    try:
        yield
    finally:
        gc.set_threshold(*before)
        _age_young_objects()


def _age_young_objects() -> None:
    """Move every object the collector tracks into its oldest generation, in constant time.

    What a run leaves alive (the parsed views in its result: some 50,000 containers) is young,
    and with the process's thresholds back the next allocation would start a young collection
    that looks at all of it: 3-4 ms, a tenth of a small tree's run, to learn that nothing is
    garbage. In the oldest generation they are looked at only by the rarer full collections,
    which still free any cycle among them. freeze() then unfreeze() is that move (both splice
    lists). Skipped when the process has frozen objects of its own: unfreeze would thaw them."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
