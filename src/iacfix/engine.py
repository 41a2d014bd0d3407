"""One run: load the files as a virtual tree, run the rules in sequence, keep what still parses.

Each rule sees the tree as the previous rules left it. A rule's edits are applied together; every
file they change is re-parsed, and a finding whose edits would break a file is dropped (and
reported) instead of written. Nothing here touches the disk: the CLI writes the final texts.
"""

from __future__ import annotations

import gc
import os
import re
import stat
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from iacfix import parse_cache, tfversion
from iacfix.backends.base import BackendError, ParsedFile, Setting, SourceSyntaxError
from iacfix.config import project_config
from iacfix.files import SourceFile, cdktf_language, cdktf_root, discover, is_workflow, read_markdown, read_source
from iacfix.model import Edit, Finding, InputError, Resource
from iacfix.textedit import apply_edits, overlaps

# A rule whose fixes collide with each other (two fixes in one HCL alignment run, say) is run
# again on the repaired tree until nothing is left over, so one run is as good as several.
MAX_PASSES = 5


@dataclass
class Options:
    """What the command line says; None means "as the project's config says"."""

    terraform_version: str | None = None  # --terraform-version
    select: Sequence[str] | None = None
    extend_select: Sequence[str] | None = None  # added to the selection (rules or config) without replacing it
    ignore: Sequence[str] | None = None
    unsafe_fixes: bool | None = None  # apply the "unsafe" fixes (scaffolds) too


@dataclass(frozen=True)
class ProjectSettings:
    """Options merged with the project's [tool.iacfix] / .iacfix.toml: the command line wins.

    As in ruff: `select` replaces the selection (None: the default rules, every rule whose
    `default` is true), `extend-select` adds to it, `ignore` wins over both. A `select` on the
    command line drops the config's selection, its `extend-select` included.
    """

    select: tuple[str, ...] | None
    ignore: tuple[str, ...]
    unsafe_fixes: bool
    extend_select: tuple[str, ...] = ()

    @classmethod
    def resolve(cls, options: Options, root: Path) -> ProjectSettings:
        config, _ = project_config(root)

        def codes(value) -> tuple[str, ...] | None:
            if isinstance(value, str):  # `select = "SG101,S3"` in a config: one list, not its letters
                value = value.split(",")
            return None if value is None else tuple(str(c).strip().upper() for c in value if str(c).strip())

        if options.select is not None:
            select, extend = codes(options.select), codes(options.extend_select) or ()
        else:
            select = codes(config.get("select"))
            extend = (codes(config.get("extend-select")) or ()) + (codes(options.extend_select) or ())
        return cls(
            select=select,
            ignore=codes(options.ignore if options.ignore is not None else config.get("ignore")) or (),
            unsafe_fixes=bool(options.unsafe_fixes if options.unsafe_fixes is not None else config.get("unsafe-fixes")),
            extend_select=extend,
        )

    def enables(self, rule) -> bool:
        from iacfix.fixers import matches

        selected = rule.default if self.select is None else matches(rule.code, self.select)
        return (selected or matches(rule.code, self.extend_select)) and not matches(rule.code, self.ignore)


@dataclass
class Project:
    """A CDKTF app (the folder of its cdktf.json) or a Terraform module (a folder of .tf files)."""

    root: Path
    flavour: str  # "cdktf-ts", "cdktf-py" or "terraform"
    files: list[Path] = field(default_factory=list)


def parse_source(language: str, path: Path, text: str) -> ParsedFile:
    if language == "hcl":
        from iacfix.backends import hcl

        return hcl.parse(path, text)
    if language in ("json", "yaml"):
        from iacfix.backends import project_files

        return project_files.parse(language, path, text)
    from iacfix.backends import cdktf

    return cdktf.parse(language, path, text)


_SUPPRESSION = re.compile(r"(?:#|//)\s*iacfix:\s*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s]*)\])?")


def suppressed(text: str, finding: Finding) -> bool:
    """`# iacfix: ignore[CODE]` / `// iacfix: ignore[CODE, CODE]` (or bare `iacfix: ignore`) on
    the finding's line silences it."""
    lines = text.split("\n")
    if not 0 < finding.line <= len(lines):
        return False
    for match in _SUPPRESSION.finditer(lines[finding.line - 1]):
        codes = match.group("codes")
        if codes is None or finding.code in {c.strip().upper() for c in codes.split(",")}:
            return True
    return False


class Workspace:
    """The virtual tree: every file's original and current text, and parses of the current text."""

    def __init__(self, sources: Iterable[SourceFile]):
        self.sources: dict[Path, SourceFile] = {s.path: s for s in sources}
        self.answers: dict[Path, SourceFile] = {}  # markdown answers whose blocks are in `sources`
        self.text: dict[Path, str] = {p: s.text for p, s in self.sources.items()}
        self._parsed: dict[Path, tuple[str, ParsedFile]] = {}

    def parsed(self, path: Path) -> ParsedFile:
        text = self.text[path]
        cached = self._parsed.get(path)
        if cached is None or cached[0] is not text:
            cached = (text, parse_source(self.sources[path].language, path, text))
            self._parsed[path] = cached
        return cached[1]

    def adopt(self, path: Path, text: str, parsed: ParsedFile) -> None:
        self.text[path] = text
        self._parsed[path] = (text, parsed)

    def changed(self) -> list[Path]:
        return [p for p, s in self.sources.items() if self.text[p] != s.text]

    def release(self) -> None:
        """Done with the parses: the TypeScript worker drops this tree's files (it would keep
        every file of a long sweep otherwise), and so do the cached views that point at them."""
        typescript = [p for p in self._parsed if self.sources.get(p) and self.sources[p].language == "typescript"]
        if not typescript:
            return
        from iacfix.backends.cdktf import forget_unsent
        from iacfix.backends.node import WorkerError, get_worker

        forget_unsent(typescript)
        for path in typescript:
            del self._parsed[path]
        try:
            get_worker().forget(typescript)
        except WorkerError:
            pass  # a dead worker holds nothing

    def create_file(self, path: Path, language: str, display: str) -> SourceFile:
        """Add a file that is not on disk yet (the variables.tf a fix declares a variable in).

        It starts empty; once edits give it text, the diff shows it as a new file (`--- /dev/null`)
        and --write creates it. A created file nobody writes into is never reported or written.
        """
        source = NewSourceFile(_UnwrittenPath(path), display, language, "", False, False)
        self.sources[path] = source
        self.text[path] = ""
        return source


class NewSourceFile(SourceFile):
    """A file a fix creates: its text before the fixes is no file at all (None in the diff)."""

    def restore(self, text: str) -> str | None:  # type: ignore[override]
        return None if text == "" else super().restore(text)


class _UnwrittenPath(type(Path())):  # type: ignore[misc]  # PosixPath or WindowsPath
    """The path of a file a fix creates. files.write_atomic keeps the mode of the file it
    replaces; until this one exists, its stat() gives the mode a newly created file gets."""

    def stat(self, *, follow_symlinks: bool = True):
        try:
            return super().stat(follow_symlinks=follow_symlinks)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            return os.stat_result((stat.S_IFREG | (0o666 & ~umask), 0, 0, 0, 0, 0, 0, 0, 0, 0))


class Context:
    """What a rule sees: one project of the tree, read through the language-neutral view."""

    def __init__(self, workspace: Workspace, project: Project, options: Options):
        self.workspace = workspace
        self.project = project
        self.options = options
        self._by_type: tuple[list[ParsedFile], dict[str, list[Resource]]] | None = None

    def files(self, *languages: str) -> list[ParsedFile]:
        return [
            self.workspace.parsed(p)
            for p in self.project.files
            if not languages or self.workspace.sources[p].language in languages
        ]

    def file(self, path: Path) -> ParsedFile:
        return self.workspace.parsed(path)

    def original_text(self, path: Path) -> str:
        """The file's text before this run's fixes ("" for a file a fix creates)."""
        return self.workspace.sources[path].text

    def resources(self, *types: str) -> list[Resource]:
        files = self.files()
        if len(types) == 1:  # a rule looking one type up per finding: from an index, not every file
            return list(self._resources_by_type(files).get(types[0], ()))
        return [r for f in files for r in f.resources() if not types or r.type in types]

    def _resources_by_type(self, files: list[ParsedFile]) -> dict[str, list[Resource]]:
        """Every resource of the project by type, in file order: built again only when a file's
        parse is not the one it was built from (a fix between two passes of the rule)."""
        cached = self._by_type
        if cached is None or len(cached[0]) != len(files) or any(a is not b for a, b in zip(cached[0], files)):
            by_type: dict[str, list[Resource]] = {}
            for f in files:
                for r in f.resources():
                    by_type.setdefault(r.type, []).append(r)
            cached = self._by_type = (files, by_type)
        return cached[1]

    def settings(self) -> list[Setting]:
        return [s for f in self.files() for s in f.settings()]

    @cached_property
    def terraform_version(self) -> tfversion.TargetVersion:
        if self.options.terraform_version:
            return tfversion.TargetVersion(
                tfversion.parse_version(self.options.terraform_version), "--terraform-version"
            )
        config, config_path = project_config(self.project.root)
        if "terraform-version" in config:
            return tfversion.TargetVersion(
                tfversion.parse_version(str(config["terraform-version"])), config_path.name
            )
        for setting in self.settings():
            if setting.key == "terraform.required_version" and setting.value and setting.value.kind == "string":
                bound = tfversion.lower_bound(setting.value.value)
                if bound:
                    return tfversion.TargetVersion(bound, f"required_version in {setting.path.name}")
        dotfile = tfversion.dotfile_version(self.project.root)
        if dotfile:
            return tfversion.TargetVersion(dotfile, ".terraform-version")
        installed = tfversion.installed_version()
        if installed:
            return tfversion.TargetVersion(installed, "`terraform version`")
        return tfversion.TargetVersion(None, None)


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

    def tree(self) -> list[tuple[SourceFile, str]]:
        """Every file read from a markdown answer with its text after the fixes (for --extract)."""
        ws = self.workspace
        return [(s, ws.text[p]) for p, s in sorted(ws.sources.items()) if s.origin is not None]


FLAVOUR_BY_LANGUAGE = {"hcl": "terraform", "typescript": "cdktf-ts", "python": "cdktf-py"}


def group_projects(workspace: Workspace) -> list[Project]:
    projects: dict[tuple[Path, str], Project] = {}
    companions = []
    for path, source in workspace.sources.items():
        if source.language in ("json", "yaml"):  # package.json, workflows: placed once projects are known
            companions.append(path)
            continue
        if source.origin is not None:  # the blocks of one answer, one project per language
            root = source.origin.markdown.path
            flavour = FLAVOUR_BY_LANGUAGE[source.language]
        elif source.language == "hcl":
            root, flavour = path.parent, "terraform"
        else:
            root = cdktf_root(path) or path.parent
            flavour = "cdktf-ts" if source.language == "typescript" else "cdktf-py"
        projects.setdefault((root, flavour), Project(root, flavour)).files.append(path)
    for path in companions:
        key = _companion_project(workspace.sources[path], projects)
        if key is not None:
            projects.setdefault(key, Project(*key)).files.append(path)
    return [projects[k] for k in sorted(projects)]


def _companion_project(source: SourceFile, projects: dict[tuple[Path, str], Project]) -> tuple[Path, str] | None:
    """The CDKTF project a package.json or workflow belongs to: for a markdown block, the
    answer's CDKTF code; on disk, the app of the nearest cdktf.json above, else the first app
    below the folder the file serves (a workflow: its repository; a package.json: its folder)."""
    cdktf = [k for k in sorted(projects) if k[1] != "terraform"]
    if source.origin is not None:
        return next((k for k in cdktf if k[0] == source.origin.markdown.path), None)
    root = cdktf_root(source.path)
    if root is None:
        base = source.path.parent.parent.parent if is_workflow(source.path) else source.path.parent
        root = next((k[0] for k in cdktf if base in k[0].parents), None) or _app_below(base)
    if root is None:
        return None
    language = cdktf_language(root) or ("python" if (root / "main.py").exists() else "typescript")
    return root, FLAVOUR_BY_LANGUAGE.get(language, "cdktf-ts")


def _app_below(folder: Path) -> Path | None:
    """A CDKTF app in the folder or one of its subfolders (a workflow named on its own)."""
    if (folder / "cdktf.json").is_file():
        return folder
    return next((p.parent for p in sorted(folder.glob("*/cdktf.json"))), None)


def load(paths: Sequence[Path], cwd: Path, parse: bool = True, progress=None) -> tuple[Workspace, list[InputError]]:
    """Read and parse every file; a file that cannot be read or parsed is reported and left out.

    parse=False only reads (the process pool parses each project in its own process)."""
    files, errors = discover(paths)
    sources, answers = [], []
    for path in files:
        source = read_source(path, cwd)
        if isinstance(source, InputError):
            errors.append(source)
        elif source.language == "markdown":
            blocks, problems = read_markdown(source)
            answers.append(source)
            sources += blocks
            errors += problems
        else:
            sources.append(source)
    if not parse:
        workspace = Workspace(sources)
        workspace.answers = {a.path: a for a in answers}
        return workspace, errors
    workspace, more = _load_sources(sources, answers, progress)
    return workspace, errors + more


# Above this much source (and with two projects or more), the projects are shared out among
# processes, one per core: a process costs ~0.3 s to start (and its own Node worker for
# TypeScript), so small runs stay in this one.
PARALLEL_MIN_BYTES = 1_500_000


def run(
    paths: Sequence[Path],
    options: Options,
    cwd: Path,
    rules: Sequence | None = None,
    jobs: int | None = None,
    progress=None,
) -> RunResult:
    """Run the rules (all of them unless given) over the files and folders in `paths`.

    Rules run in order: every "fix" rule by code, then the "format" rules, so that formatting
    sees every other rule's edits. Projects are independent, so a big tree's projects run in
    `jobs` processes (None: one per core, when the tree is big enough to be worth it).
    `progress(done, total, what)`, when given, is told how far the run is.
    """
    with _fewer_collections():
        return _run(paths, options, cwd, rules, jobs, progress)


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


def _run(paths, options, cwd, rules, jobs, progress) -> RunResult:
    from iacfix.fixers import all_rules

    workspace, errors = load(paths, cwd, parse=False)
    if rules is None and not workspace.answers:
        projects = group_projects(workspace)
        workers = _jobs(jobs, workspace, projects)
        if workers > 1 or (len(projects) > 1 and _big(workspace)):
            return _run_projects(workspace, errors, projects, options, cwd, workers, progress)
    if any(s.language == "typescript" and not parse_cache.known("typescript", s.text) for s in workspace.sources.values()):
        from iacfix.backends.node import get_worker

        get_worker().start()  # Node boots while the rules are imported
    ordered = sorted(rules if rules is not None else all_rules(), key=lambda r: (PHASES.index(r.phase), r.code))
    workspace, errors = _parse_loaded(workspace, errors, progress)
    findings: list[Finding] = []
    projects = group_projects(workspace)
    settings = {p.root: ProjectSettings.resolve(options, p.root) for p in projects}
    for index, rule in enumerate(ordered):
        if progress:
            progress(index, len(ordered), "rules")
        for project in projects:
            if project.flavour in rule.flavours and (rules is not None or settings[project.root].enables(rule)):
                try:
                    ctx = Context(workspace, project, options)
                    findings += _run_rule(rule, ctx, settings[project.root].unsafe_fixes, errors)
                except Exception as exc:  # one broken rule must not cost the user the others
                    where = project.files[0] if project.files else project.root
                    errors.append(
                        InputError(where, 1, f"internal error in {rule.code} ({type(exc).__name__}: {exc}); please report")
                    )
    findings.sort(key=lambda f: (str(f.path), f.line, f.col, f.code))
    if progress:
        progress(len(ordered), len(ordered), "rules")
    workspace.release()
    return RunResult(workspace, findings, errors)


def _parse_loaded(workspace: Workspace, errors: list[InputError], progress) -> tuple[Workspace, list[InputError]]:
    """Parse what load(parse=False) read, as load() would have."""
    parsed, more = _load_sources(list(workspace.sources.values()), list(workspace.answers.values()), progress)
    return parsed, errors + more


def _load_sources(sources, answers, progress) -> tuple[Workspace, list[InputError]]:
    """Parse every source; one that cannot be parsed is reported and left out."""
    workspace = Workspace(sources)
    workspace.answers = {a.path: a for a in answers}
    errors: list[InputError] = []
    for i, path in enumerate(list(workspace.sources)):
        if progress:
            progress(i, len(workspace.sources), "parsing")
        try:
            workspace.parsed(path)
        except (SourceSyntaxError, BackendError) as exc:
            line, message = (exc.line, f"syntax error: {exc.message}") if isinstance(exc, SourceSyntaxError) else (1, str(exc))
            source = workspace.sources.pop(path)
            del workspace.text[path]
            if source.origin is not None:
                block = source.origin.block
                path, line, message = source.origin.markdown.path, block.first_line + line - 1, f"{block.name}: {message}"
            errors.append(InputError(path, line, message))
    return workspace, errors


def _jobs(jobs: int | None, workspace: Workspace, projects: list[Project]) -> int:
    """How many processes: 1 for a small tree, a single project or markdown answers."""
    if len(projects) < 2 or workspace.answers:
        return 1
    if jobs is None:
        if not _big(workspace):
            return 1
        jobs = os.cpu_count() or 1
    return max(1, min(jobs, len(projects)))


def _big(workspace: Workspace) -> bool:
    return sum(len(t) for t in workspace.text.values()) >= PARALLEL_MIN_BYTES


def _run_batch(args) -> tuple[list[Finding], list[InputError], dict[Path, str], list[tuple[Path, str, str]], list[Path]]:
    """In a pool process: run every rule over one project's files; what the parent needs back."""
    files, options, cwd = args
    result = run(files, options, cwd, jobs=1)
    ws = result.workspace
    created = [(p, s.language, s.display) for p, s in ws.sources.items() if isinstance(s, NewSourceFile)]
    unparsed = [p for p in files if p not in ws.sources]
    return result.findings, result.errors, {p: ws.text[p] for p in ws.changed()}, created, unparsed


def _run_projects(workspace, errors, projects, options, cwd, workers, progress) -> RunResult:
    """Run each project of a big tree as a run of its own: in `workers` processes, or one after
    the other in this one. Either way a run holds one project's parses at a time (and so does the
    Node worker, which a run tells to drop its files), not the whole tree's."""
    # biggest first, so that the last project to finish is a small one
    ordered = sorted(projects, key=lambda p: -sum(len(workspace.text[f]) for f in p.files))
    batches = [(p.files, options, cwd) for p in ordered]
    findings: list[Finding] = []
    with _batch_results(batches, workers) as results:
        for done, result in enumerate(results, 1):
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
    findings.sort(key=lambda f: (str(f.path), f.line, f.col, f.code))
    errors.sort(key=lambda e: (str(e.path), e.line))
    return RunResult(workspace, findings, errors)


@contextmanager
def _batch_results(batches: list, workers: int) -> Iterator[Iterator]:
    """_run_batch of every batch, as they finish: in a process pool, or here, one by one."""
    if workers == 1:
        yield map(_run_batch, batches)
        return
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork is cheap and safe while this process runs no other thread (no Node worker yet)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        yield (future.result() for future in as_completed([pool.submit(_run_batch, b) for b in batches]))


# Safe fixes first (imports repaired, names resolved), then scaffolds that add infrastructure to
# the repaired code (they read what the fixes made resolvable), layout last.
PHASES = ("fix", "scaffold", "format")


def _run_rule(rule, ctx: Context, unsafe_fixes: bool, errors: list[InputError]) -> list[Finding]:
    kept: list[Finding] = []
    for _ in range(MAX_PASSES):
        accepted: list[Finding] = []
        deferred = False
        for finding in rule.check(ctx):
            if suppressed(ctx.workspace.text[finding.path], finding):
                continue
            if _collides_with_itself(finding.edits):  # a rule bug: never half-apply it
                errors.append(InputError(finding.path, finding.line, f"{finding.code} fix dropped: its edits overlap; please report"))
                finding.edits = []
            if rule.fix == "unsafe" and not unsafe_fixes and finding.edits:
                finding.preview = _preview(ctx.workspace, finding.edits)  # shown, not applied
                finding.edits = []
            if any(overlaps(a, b) for a in finding.edits for f in accepted for b in f.edits):
                deferred = True  # seen again, on the repaired tree, in the next pass
                continue
            accepted.append(finding)
        _apply(ctx.workspace, rule, accepted, errors)
        kept += accepted
        if not deferred:
            break
    return kept


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


def _apply(workspace: Workspace, rule, findings: list[Finding], errors: list[InputError]) -> None:
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
            try:
                reparsed[path] = (text, parse_source(workspace.sources[path].language, path, text))
            except SourceSyntaxError as exc:
                broken[path] = exc
            except BackendError as exc:
                broken[path] = SourceSyntaxError(1, 1, str(exc))
        if not broken:
            for path, (text, parsed) in reparsed.items():
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
