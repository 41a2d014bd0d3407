"""One project's run: its rules in order, each on the tree the previous ones left, and their
edits applied together; a fix that would break a file is dropped and reported instead. A finding
a suppression silences (engine/suppression.py) is dropped, fix and all, before anything applies."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from iacfix.backends.base import BackendError, ParsedFile, SourceSyntaxError
from iacfix.engine.context import Context
from iacfix.engine.projects import Project
from iacfix.engine.selection import Options, ProjectSettings
from iacfix.engine.suppression import Suppressions
from iacfix.engine.workspace import NewSourceFile, Workspace, parse_source
from iacfix.model import Edit, Finding, InputError
from iacfix.textedit import apply_edits, line_col, overlaps

# The provider's names first (imports repaired, classes renamed: every other rule recognises a
# resource by its class), then the safe fixes, then scaffolds that add infrastructure to the
# repaired code (they read what the fixes made resolvable), layout and clean-up, and last the
# review of what every other rule did (IAC100: the suppressions that silenced nothing).
PHASES = ("names", "fix", "scaffold", "format", "review")

# A rule whose fixes collide with each other (two fixes in one HCL alignment run, say) is run
# again on the repaired tree until nothing is left over, so one run is as good as several.
MAX_PASSES = 5

# called with (rule code, seconds) after each rule on each project: the benchmark's rule times
RuleTimer = Callable[[str, float], None]


def in_run_order(rules: Sequence) -> list:
    """The "names" rules by code, every "fix" rule by code, then the "scaffold" rules, then the
    "format" rules, so that formatting sees every other rule's edits."""
    return sorted(rules, key=lambda r: (PHASES.index(r.phase), r.code))


def run_project(
    workspace: Workspace,
    project: Project,
    rules: Sequence,
    options: Options,
    errors: list[InputError],
    select: bool = True,
    rule_timer: RuleTimer | None = None,
    progress: Callable[[], None] | None = None,
) -> list[Finding]:
    """Run `rules` (in run order) on one project; the edits stay in `workspace`. With
    select=False every rule given runs (a rule's own tests); else those the project's
    selection enables."""
    settings = ProjectSettings.resolve(options, project.root)
    suppressions = Suppressions(workspace, project, settings)
    findings: list[Finding] = []
    for rule in rules:
        if project.flavour in rule.flavours and (not select or settings.enables(rule)):
            start = time.perf_counter()
            try:
                ctx = Context(workspace, project, options, settings.conventions, suppressions, errors)
                findings += _run_rule(rule, ctx, settings.unsafe_fixes, errors, suppressions)
                suppressions.ran.add(rule.code)
            except Exception as exc:  # one broken rule must not cost the user the others
                where = project.files[0] if project.files else project.root
                errors.append(InputError(where, 1, f"internal error in {rule.code} ({type(exc).__name__}: {exc}); please report"))
            if rule_timer:
                rule_timer(rule.code, time.perf_counter() - start)
        if progress:
            progress()
    return findings


def _run_rule(rule, ctx: Context, unsafe_fixes: bool, errors: list[InputError], suppressions: Suppressions) -> list[Finding]:
    kept: list[Finding] = []
    reported: Counter[tuple] = Counter()  # the findings with nothing to fix kept so far
    for _ in range(MAX_PASSES):
        accepted: list[Finding] = []
        deferred = False
        seen = reported.copy()
        for finding in rule.check(ctx):
            if suppressions.silences(finding):
                continue
            text = ctx.workspace.text.get(finding.path)
            if finding.end_offset is not None and text is not None:
                finding.end_line, finding.end_col = line_col(text, min(finding.end_offset, len(text)))
            if _collides_with_itself(finding.edits):  # a rule bug: never half-apply it
                errors.append(InputError(finding.path, finding.line, f"{finding.code} fix dropped: its edits overlap; please report"))
                finding.edits = []
            if (finding.safety or rule.fix) == "unsafe" and not unsafe_fixes and finding.edits:
                finding.preview = _preview(ctx.workspace, finding.edits)  # shown, not applied
                finding.edits = []
            if not finding.edits and seen[_said(finding)] > 0:  # said in an earlier pass (its line may have moved)
                seen[_said(finding)] -= 1
                continue
            if any(overlaps(a, b) for a in finding.edits for f in accepted for b in f.edits):
                deferred = True  # seen again, on the repaired tree, in the next pass
                continue
            accepted.append(finding)
        ctx.forget_parses()  # what it built from the parses an edit replaces is not needed again
        _apply(ctx.workspace, accepted, errors)
        kept += accepted
        reported.update(_said(f) for f in accepted if not f.edits)
        if not deferred:
            break
    return kept


def _said(finding: Finding) -> tuple:
    return finding.path, finding.code, finding.message


def _collides_with_itself(edits: list[Edit]) -> bool:
    return any(overlaps(a, b) for i, a in enumerate(edits) for b in edits[i + 1 :])


def _preview(workspace: Workspace, edits: list[Edit]) -> str:
    """The diff a fix would make, against the tree as it is when the rule runs."""
    from iacfix.diff import unified_diff

    by_file: dict[Path, list[Edit]] = defaultdict(list)
    for edit in edits:
        by_file[edit.path].append(edit)
    return "".join(
        unified_diff(workspace.sources[p].display, workspace.text[p], apply_edits(workspace.text[p], e))
        for p, e in sorted(by_file.items())
    )


def _apply(workspace: Workspace, findings: list[Finding], errors: list[InputError]) -> None:
    """Apply the findings' edits; drop (and report) every finding that would break a file."""
    live = [f for f in findings if f.edits]
    while live:
        by_file: dict[Path, list[Edit]] = defaultdict(list)
        for finding in live:
            for edit in finding.edits:
                by_file[edit.path].append(edit)
        broken: dict[Path, SourceSyntaxError] = {}
        reparsed: dict[Path, tuple[str, ParsedFile]] = {}
        for path, edits in by_file.items():
            text = apply_edits(workspace.text[path], edits)
            # The old parse goes first, so that a big file is not held twice (it is parsed again
            # from the old text if the new one does not parse).
            workspace.forget_parse(path)
            try:
                reparsed[path] = (text, parse_source(workspace.sources[path].language, path, text))
            except SourceSyntaxError as exc:
                broken[path] = exc
            except BackendError as exc:
                broken[path] = SourceSyntaxError(1, 1, str(exc))
        if not broken:
            for finding in live:  # against the files as read, before this batch joins the history
                if not any(isinstance(workspace.sources[e.path], NewSourceFile) for e in finding.edits):
                    finding.original_edits = workspace.history.to_original(finding.edits)
            for path, (text, parsed) in reparsed.items():
                workspace.history.record(path, by_file[path])
                workspace.adopt(path, text, parsed)
            return
        for finding in live:
            bad = next((p for p in broken if any(e.path == p for e in finding.edits)), None)
            if bad is not None:
                exc = broken[bad]
                errors.append(
                    InputError(
                        finding.path,
                        finding.line,
                        f"{finding.code} fix dropped: it would break {bad.name} "
                        f"(line {exc.line}: {exc.message}); please report this",
                    )
                )
                finding.edits = []
        live = [f for f in live if f.edits]
